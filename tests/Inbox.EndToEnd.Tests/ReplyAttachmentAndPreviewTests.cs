using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// What an agent and an admin do before a reply leaves, over real HTTP on the dev host: a member uploads a file for a
/// reply (into the Azurite the dev host starts), reads it back and replies with it on a forwarded e-mail's conversation;
/// an admin previews a from-name and an unsafe signature for a user, and gets them back filled and clean.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class ReplyAttachmentAndPreviewTests(DevHostFixture host)
{
    private static readonly byte[] Quote = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

    private static HttpContent File(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    [Fact]
    public async Task A_member_uploads_a_file_for_a_reply_and_an_admin_previews_the_signature_clean()
    {
        var account = DevHostFixture.NewAccount();
        using var admin = host.Admin(account);
        await admin.Send(HttpMethod.Put, "api/directory/users/jane", """{"name":"Jane Doe","email":"jane@e2e.test","hasPaidSeat":true}""").Expect(HttpStatusCode.OK);
        await admin.Send(HttpMethod.Put, "api/directory/users/bob", """{"name":"Bob","email":"bob@e2e.test","hasPaidSeat":true}""").Expect(HttpStatusCode.OK);
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Quotes","members":{"everyone":false,"userIds":["jane"]}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();

        // The member's upload: 201 with what a reply names (the id) and where the file is served.
        using var jane = host.As(account, "jane");
        var created = await jane.PostAsync($"api/inboxes/{inboxId}/attachments?name={Uri.EscapeDataString("quote 7.pdf")}", File(Quote, "application/pdf"))
            .Expect(HttpStatusCode.Created);
        var uploaded = await created.Body();
        var url = uploaded["url"]!.GetValue<string>();
        Assert.Equal(("quote 7.pdf", "application/pdf", Quote.Length), (uploaded["name"]!.GetValue<string>(), uploaded["contentType"]!.GetValue<string>(), uploaded["size"]!.GetValue<int>()));
        Assert.Equal($"/api/inboxes/{inboxId}/attachments/{uploaded["id"]!.GetValue<string>()}", url);
        Assert.Equal(url, created.Headers.Location!.OriginalString);
        Assert.Equal(Quote, await (await jane.GetAsync(url.TrimStart('/')).Expect(HttpStatusCode.OK)).Content.ReadAsByteArrayAsync());

        // Nobody but the inbox's members uploads; a file past a reply's limit or named as a path is refused.
        using var bob = host.As(account, "bob");
        await bob.PostAsync($"api/inboxes/{inboxId}/attachments?name=a.pdf", File(Quote, "application/pdf")).Problem(HttpStatusCode.NotFound);
        await admin.PostAsync($"api/inboxes/{inboxId}/attachments?name=a.pdf", File(Quote, "application/pdf")).Problem(HttpStatusCode.Forbidden);
        await jane.PostAsync($"api/inboxes/{inboxId}/attachments?name=big.bin", File(new byte[3 * 1024 * 1024 + 1], "application/octet-stream"))
            .Problem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(["name"], await jane.PostAsync($"api/inboxes/{inboxId}/attachments?name=..%2Fa.pdf", File(Quote, "application/pdf")).Problem(HttpStatusCode.BadRequest));

        // The preview, before any channel is saved: the from-name as a mail client shows it, the signature filled for Jane.
        var preview = await (await admin.Send(HttpMethod.Post, "api/email-preview", """
            {"channel":{"kind":"email","provider":"forwarding","address":"help@contoso.com",
                        "fromName":{"format":"agentAndCompany","companyName":"Contoso"},
                        "signature":"<p>{{fullName}}, Contoso support</p><img src=\"x\" onerror=\"alert(1)\"><script>alert(2)</script>"},
             "userId":"jane"}
            """).Expect(HttpStatusCode.OK)).Body();
        Assert.Equal("Jane Doe at Contoso <help@contoso.com>", preview["from"]!.GetValue<string>());
        Assert.Equal("Jane Doe at Contoso", preview["fromName"]!.GetValue<string>());
        foreach (var html in new[] { preview["signatureHtml"]!.GetValue<string>(), preview["sampleHtml"]!.GetValue<string>() })
        {
            Assert.Contains("Jane Doe, Contoso support", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal("Jane Doe, Contoso support", preview["signatureText"]!.GetValue<string>().Trim());
        Assert.EndsWith("-- \nJane Doe, Contoso support", preview["sampleText"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["channel.fromName"], await admin.Send(HttpMethod.Post, "api/email-preview",
            """{"channel":{"kind":"email","provider":"gmail","address":"help@contoso.com"},"userId":"jane"}""").Problem(HttpStatusCode.BadRequest));
        await jane.Send(HttpMethod.Post, "api/email-preview",
            """{"channel":{"kind":"email","provider":"office365","address":"help@contoso.com"},"userId":"jane"}""").Problem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_reply_names_the_uploaded_file_and_carries_it()
    {
        var account = DevHostFixture.NewAccount();
        using var admin = host.Admin(account);
        await admin.Send(HttpMethod.Put, "api/directory/users/jane", """{"name":"Jane Doe","email":"jane@e2e.test","hasPaidSeat":true}""").Expect(HttpStatusCode.OK);
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Orders","members":{"everyone":false,"userIds":["jane"]}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var address = $"orders-{Guid.NewGuid():N}@contoso.test";
        var forwarding = await host.AddForwardingChannel(admin, inboxId, address);
        using (var provider = host.WithPrincipal(null))
            await provider.PostForwarded(forwarding, $"""
                From: Jo Doe <jo@customer.test>
                To: {address}
                Subject: Order 4711
                Message-ID: <order-4711-{Guid.NewGuid():N}@customer.test>

                Could you send me the quote?
                """).Expect(HttpStatusCode.Accepted);
        await host.WhenIdle();
        var conversationId = (await (await admin.GetAsync($"api/inboxes/{inboxId}/conversations").Expect(HttpStatusCode.OK)).Body())["items"]![0]!["id"]!
            .GetValue<string>();

        using var jane = host.As(account, "jane");
        var uploaded = await (await jane.PostAsync($"api/inboxes/{inboxId}/attachments?name=quote.pdf", File(Quote, "application/pdf"))
            .Expect(HttpStatusCode.Created)).Body();
        var reply = await (await jane.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/conversations/{conversationId}/replies",
            $$"""{"text":"Here it is.","attachmentIds":["{{uploaded["id"]!.GetValue<string>()}}"]}""").Expect(HttpStatusCode.Created)).Body();

        var attachment = Assert.Single(reply["attachments"]!.AsArray())!;
        Assert.Equal(("quote.pdf", "application/pdf", uploaded["url"]!.GetValue<string>()),
            (attachment["name"]!.GetValue<string>(), attachment["contentType"]!.GetValue<string>(), attachment["url"]!.GetValue<string>()));
        Assert.Equal("queued", reply["delivery"]!["status"]!.GetValue<string>());
        // A file of another inbox, or none at all, is not something a reply can carry.
        Assert.Equal(["attachmentIds"], await jane.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/conversations/{conversationId}/replies",
            $$"""{"text":"Again.","attachmentIds":["{{new string('0', 64)}}"]}""").Problem(HttpStatusCode.BadRequest));
    }
}
