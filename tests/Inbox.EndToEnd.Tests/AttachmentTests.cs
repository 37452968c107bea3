using System.Net;
using System.Text;
using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// An e-mail's attachment taken in by the dev host's intake (into the Azurite it starts on first use), then read over
/// HTTP through the URL the message carries: by the inbox's members only.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class AttachmentTests(DevHostFixture host)
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

    private static string Mail => $"""
        From: Jo Customer <jo@customer.test>
        To: support@contoso.test
        Subject: The invoice
        Message-ID: <attachment-e2e@customer.test>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="mixed"

        --mixed
        Content-Type: text/html; charset=UTF-8

        <p onmouseover="steal()">Attached.</p>
        --mixed
        Content-Type: application/pdf; name="invoice 42.pdf"
        Content-Disposition: attachment; filename="invoice 42.pdf"
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Pdf)}
        --mixed--
        """;

    [Fact]
    public async Task A_member_downloads_the_attachment_and_nobody_else_learns_it_exists()
    {
        var account = DevHostFixture.NewAccount();
        using var admin = host.Admin(account);
        await admin.Send(HttpMethod.Put, "api/directory/users/alice", """{"name":"Alice","email":"alice@e2e.test","hasPaidSeat":true}""").Expect(HttpStatusCode.OK);
        await admin.Send(HttpMethod.Put, "api/directory/users/bob", """{"name":"Bob","email":"bob@e2e.test","hasPaidSeat":true}""").Expect(HttpStatusCode.OK);
        var inbox = await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Invoices","members":{"everyone":false,"userIds":["alice"]}}""")
            .Expect(HttpStatusCode.Created)).Body();
        var inboxId = inbox["id"]!.GetValue<string>();

        var url = await Take(account, inboxId);

        using var alice = host.As(account, "alice");
        var download = await alice.GetAsync(url.TrimStart('/')).Expect(HttpStatusCode.OK);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("invoice 42.pdf", download.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("nosniff", Assert.Single(download.Headers.GetValues("X-Content-Type-Options")));
        await admin.GetAsync(url.TrimStart('/')).Expect(HttpStatusCode.OK); // an admin reads every inbox

        using var bob = host.As(account, "bob");
        using var stranger = host.Admin(DevHostFixture.NewAccount());
        await bob.GetAsync(url.TrimStart('/')).Problem(HttpStatusCode.NotFound);
        await stranger.GetAsync(url.TrimStart('/')).Problem(HttpStatusCode.NotFound);
        await alice.GetAsync($"api/inboxes/{inboxId}/attachments/{new string('0', 64)}").Problem(HttpStatusCode.NotFound);
        await alice.GetAsync($"api/inboxes/{inboxId}/attachments/not-an-id").Problem(HttpStatusCode.NotFound);
    }

    /// <summary>The intake as a reader calls it, on the dev host's own services: the URL of the stored attachment.</summary>
    private async Task<string> Take(string account, string inboxId)
    {
        var channel = new Channel("email-e2e", new EmailChannel
        {
            Provider = EmailProvider.Forwarding,
            Address = "support@contoso.test",
            FromName = new FromName { CompanyName = "Contoso" },
        }, DateTimeOffset.UtcNow);
        var email = MimeMessageNormaliser.Normalise(Encoding.ASCII.GetBytes(Mail.ReplaceLineEndings("\r\n")), "email:support@contoso.test", DateTimeOffset.UtcNow).Value!;
        var e = await host.Services.GetRequiredService<EmailIntake>().Take(new Mailbox(account, inboxId, channel), email, default);
        Assert.DoesNotContain("onmouseover", e.Content.Html!, StringComparison.Ordinal);
        return Assert.Single(e.Content.Attachments).Url;
    }
}
