using System.Text;
using Azure.Storage.Blobs;
using InboxServerless.Azure.Attachments;
using InboxServerless.Azure.Email;
using InboxServerless.Azure.Tests.ServiceBus;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>
/// Real MIME through the normaliser and the intake, attachments into Azurite: what every e-mail channel keeps of a
/// message, whichever provider delivered it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EmailIntakeTests
{
    private const string Address = "support@contoso.test";
    private static readonly DateTimeOffset Received = new(2026, 11, 25, 9, 0, 5, TimeSpan.Zero);
    private static readonly User Ann = new("ann", "acme", "Ann Agent", "ann@contoso.test", HasPaidSeat: true, IsSuperAdmin: false);
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];

    private readonly BlobAttachmentStore store;
    private readonly Mock<IDirectoryStore> directories = new();

    public EmailIntakeTests(AzuriteFixture azurite)
    {
        store = new BlobAttachmentStore(
            new BlobContainerClient(azurite.Emulator.ConnectionString, "attachments-" + Guid.NewGuid().ToString("N")[..12]), TimeSpan.FromSeconds(30));
        directories.Setup(d => d.Load("acme", It.IsAny<CancellationToken>())).ReturnsAsync(new AccountDirectory([Ann], []));
    }

    private EmailIntake Intake() => new(store, directories.Object);

    private static Mailbox MailboxOf(bool logForwards = false) => new("acme", "support", new Channel("email-1", new EmailChannel
    {
        Provider = EmailProvider.Forwarding,
        Address = Address,
        FromName = new FromName { CompanyName = "Contoso" },
        LogForwardedEmailToOriginalSender = logForwards,
    }, Received));

    private static InboundEmail Normalise(string mime) =>
        MimeMessageNormaliser.Normalise(Encoding.UTF8.GetBytes(mime.ReplaceLineEndings("\r\n")), "email:" + Address, Received).Value!;

    /// <summary>An HTML mail with a script, an inline logo (cid:) and a PDF attached, as Thunderbird writes one.</summary>
    private static string Rich => $"""
        From: Jo Customer <jo@customer.test>
        To: {Address}
        Subject: Order 1042 arrived damaged
        Message-ID: <rich-1@mail.customer.test>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="mixed"

        --mixed
        Content-Type: multipart/related; boundary="related"

        --related
        Content-Type: text/html; charset=UTF-8

        <html><head><script>steal()</script></head><body><p onclick="steal()">The box was <b>crushed</b>.</p><img src="cid:logo@customer.test"></body></html>
        --related
        Content-Type: image/png
        Content-Transfer-Encoding: base64
        Content-ID: <logo@customer.test>
        Content-Disposition: inline; filename="logo.png"

        {Convert.ToBase64String(Png)}
        --related--

        --mixed
        Content-Type: application/pdf; name="photos.pdf"
        Content-Disposition: attachment; filename="photos.pdf"
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Pdf)}
        --mixed--
        """;

    [Fact]
    public async Task The_html_is_sanitised_a_text_body_made_and_the_attachments_stored_and_referenced()
    {
        var e = await Intake().Take(MailboxOf(), Normalise(Rich), default);

        Assert.DoesNotContain("script", e.Content.Html!, StringComparison.Ordinal);
        Assert.DoesNotContain("onclick", e.Content.Html!, StringComparison.Ordinal);
        Assert.Contains($"src=\"{e.Content.Attachments[1].Url}\"", e.Content.Html!, StringComparison.Ordinal); // cid: is not for browsers
        Assert.DoesNotContain("cid:", e.Content.Html!, StringComparison.Ordinal);
        Assert.Equal("The box was crushed.", e.Content.Text);
        Assert.Equal([("photos.pdf", "application/pdf"), ("logo.png", "image/png")], e.Content.Attachments.Select(a => (a.Name, a.ContentType)));
        Assert.All(e.Content.Attachments, a => Assert.Matches("^/api/inboxes/support/attachments/[0-9a-f]{64}$", a.Url));

        var pdf = await store.Open("acme", "support", e.Content.Attachments[0].Url.Split('/')[^1], default);
        var logo = await store.Open("acme", "support", e.Content.Attachments[1].Url.Split('/')[^1], default);
        Assert.Equal(Pdf, await Bytes(pdf!));
        Assert.Equal(Png, await Bytes(logo!));
        Assert.True(logo!.IsInline);
    }

    [Fact]
    public async Task A_message_read_twice_is_the_same_event()
    {
        var first = await Intake().Take(MailboxOf(), Normalise(Rich), default);
        var again = await Intake().Take(MailboxOf(), Normalise(Rich), default);

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(first.Content.Attachments, again.Content.Attachments);
        Assert.Equal(first.Content.Html, again.Content.Html);
    }

    [Fact]
    public async Task A_message_without_a_body_still_has_a_text_and_an_attachment_without_its_bytes_is_not_referenced()
    {
        var described = Normalise($"From: jo@customer.test\nTo: {Address}\nSubject: empty\nMessage-ID: <e-1@customer.test>\n\n");
        var email = described with { Attachments = [new EmailAttachment("later.zip", "application/zip", 1000)] };

        var e = await Intake().Take(MailboxOf(), email, default);

        Assert.Equal("", e.Content.Text);
        Assert.Null(e.Content.Html);
        Assert.Empty(e.Content.Attachments);
    }

    private const string AgentForward = """
        From: Ann Agent <ann@contoso.test>
        To: support@contoso.test
        Subject: Fwd: Order 1042 arrived damaged
        Message-ID: <fwd-1@contoso.test>
        Content-Type: text/plain; charset=UTF-8

        Can someone take this one?

        ---------- Forwarded message ---------
        From: Jo Customer <jo@customer.test>
        Subject: Order 1042 arrived damaged

        The box was crushed.
        """;

    [Fact]
    public async Task An_agents_forward_is_logged_to_the_original_sender_when_the_channel_says_so()
    {
        var e = await Intake().Take(MailboxOf(logForwards: true), Normalise(AgentForward), default);

        Assert.Equal(new InboundSender("jo@customer.test", "Jo Customer", "jo@customer.test"), e.Sender);
    }

    [Fact]
    public async Task Otherwise_a_forward_stays_the_forwarders_and_the_directory_is_not_read()
    {
        var e = await Intake().Take(MailboxOf(logForwards: false), Normalise(AgentForward), default);

        Assert.Equal("ann@contoso.test", e.Sender.Email);
        directories.VerifyNoOtherCalls();
    }

    private static async Task<byte[]> Bytes(StoredAttachment attachment)
    {
        await using var content = attachment.Content;
        using var bytes = new MemoryStream();
        await content.CopyToAsync(bytes);
        return bytes.ToArray();
    }
}
