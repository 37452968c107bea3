using System.Net;
using System.Net.Http.Headers;
using System.Text;
using InboxServerless.Core.Ports;
using InboxServerless.DevHost;
using InboxServerless.Local.Google;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests.Gmail;

/// <summary>
/// Gmail end to end on the dev host over HTTP, Google faked at its HTTP boundary: an admin connects the mailbox through
/// Google's consent flow, Pub/Sub pushes Gmail's notices to <c>/api/webhooks/gmail</c>, and the queue's consumer reads
/// the history and routes each message into a stored, threaded conversation.
/// </summary>
[Collection(GmailHostCollection.Name)]
public sealed class GmailTests(GmailHostFixture host)
{
    private readonly string account = "e2e-" + Guid.NewGuid().ToString("N");

    private string Address => $"support@{account}.example.com";

    private FakeGoogle Google => host.Google;

    private IConversationStore Conversations => host.Services.GetRequiredService<IConversationStore>();

    [Fact]
    public async Task A_Gmail_push_ends_as_a_threaded_conversation_a_reply_joins_it_and_redelivery_adds_nothing()
    {
        using var admin = host.Admin(account);
        var (inboxId, _) = await ConnectedInbox(admin);

        var (first, pushed) = await Google.Deliver(Address, Mime("<order-42@customer.example>", "Order 42", "Where is my order?"));
        Assert.Equal(204, pushed);
        await host.WhenIdle();
        var conversation = Assert.Single((await Conversations.List(inboxId, new(), 100, null, CancellationToken.None)).Items).Value;
        Assert.Equal("Order 42", conversation.Subject);
        Assert.Equal("<order-42@customer.example>", Assert.Single(await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None)).ExternalId);

        var (reply, _) = await Google.Deliver(Address,
            Mime("<order-42-again@customer.example>", "Re: Order 42", "Any news?", inReplyTo: "<order-42@customer.example>"), threadId: first.ThreadId);
        // Pub/Sub redelivers the same push, and a later push names an older history id: neither adds a message.
        Assert.Equal(204, await Google.Push(Address, reply.HistoryId, "same-pubsub-id"));
        Assert.Equal(204, await Google.Push(Address, reply.HistoryId, "same-pubsub-id"));
        Assert.Equal(204, await Google.Push(Address, first.HistoryId));
        await host.WhenIdle();

        var again = Assert.Single((await Conversations.List(inboxId, new(), 100, null, CancellationToken.None)).Items).Value;
        Assert.Equal(conversation.Id, again.Id);
        var messages = await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None);
        Assert.Equal(["<order-42-again@customer.example>", "<order-42@customer.example>"], messages.Select(m => m.ExternalId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Mail_the_mailbox_sent_itself_is_not_a_conversation()
    {
        using var admin = host.Admin(account);
        var (inboxId, _) = await ConnectedInbox(admin);
        var (sent, _) = await Google.Deliver(Address, Mime("<sent@x.example>", "Our answer", "Sent by us"), labels: ["SENT"]);
        Assert.Equal(204, await Google.Push(Address, sent.HistoryId));
        await host.WhenIdle();
        Assert.Empty((await Conversations.List(inboxId, new(), 100, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task A_history_Gmail_no_longer_has_is_resynced_and_each_message_stored_once()
    {
        using var admin = host.Admin(account);
        var (inboxId, _) = await ConnectedInbox(admin);
        var endpoint = Google.PushEndpoint;
        Google.PushEndpoint = null; // the pushes are lost meanwhile
        try
        {
            for (var i = 0; i < 3; i++) await Google.Deliver(Address, Mime($"<gap-{i}@customer.example>", $"Gap {i}", "Sent during the gap"));
        }
        finally
        {
            Google.PushEndpoint = endpoint;
        }

        Google.ForgetHistory(Address);
        var (last, pushed) = await Google.Deliver(Address, Mime("<after@customer.example>", "After", "After the gap"));
        Assert.Equal(204, pushed);
        await host.WhenIdle();
        Assert.Equal(204, await Google.Push(Address, last.HistoryId));
        await host.WhenIdle();

        var conversations = (await Conversations.List(inboxId, new(), 100, null, CancellationToken.None)).Items;
        Assert.Equal(4, conversations.Count);
        var ids = new List<string>();
        foreach (var c in conversations) ids.AddRange((await Conversations.Messages(inboxId, c.Value.Id, CancellationToken.None)).Select(m => m.ExternalId));
        Assert.Equal(["<after@customer.example>", "<gap-0@customer.example>", "<gap-1@customer.example>", "<gap-2@customer.example>"], ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_push_without_Googles_token_or_with_a_bad_body_queues_nothing()
    {
        using var admin = host.Admin(account);
        await ConnectedInbox(admin);
        using var anonymous = host.WithPrincipal(null);
        var body = FakeGoogle.PushBody(Address, 999_999, "forged-1");
        using var forger = new FakeGoogleSigner(Google.Signer.KeyId); // the same key id, another key
        var now = DateTimeOffset.UtcNow;
        var before = host.Enqueued.Count;

        Assert.Equal(HttpStatusCode.Unauthorized, await Push(anonymous, body, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Push(anonymous, body, forger.PushToken(FakeGmail.PushAudience, FakeGoogle.ServiceAccount, now)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Push(anonymous, body, Google.Signer.PushToken("https://elsewhere.example/", FakeGoogle.ServiceAccount, now)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Push(anonymous, body, Google.Signer.PushToken(FakeGmail.PushAudience, "someone@evil.example", now)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Push(anonymous, body, Google.Signer.PushToken(FakeGmail.PushAudience, FakeGoogle.ServiceAccount, now.AddHours(-2))));
        var good = Google.Signer.PushToken(FakeGmail.PushAudience, FakeGoogle.ServiceAccount, now);
        Assert.Equal(HttpStatusCode.BadRequest, await Push(anonymous, """{"message":{"data":"not base64!","messageId":"1"}}""", good));
        Assert.Equal(HttpStatusCode.BadRequest, await Push(anonymous, """{"message":{"messageId":"1"}}""", good));
        Assert.Equal(host.Enqueued.Count, before);

        // An address no channel holds: acknowledged, so Pub/Sub stops retrying, and nothing queued.
        Assert.Equal(HttpStatusCode.NoContent, await Push(anonymous, FakeGoogle.PushBody($"nobody@{account}.example.com", 5, "p-1"), good));
        Assert.Equal(host.Enqueued.Count, before);
    }

    [Fact]
    public async Task The_consent_refuses_a_tampered_state_a_replay_another_admin_and_another_mailbox()
    {
        using var admin = host.Admin(account);
        var (inboxId, channelId) = await GmailInbox(admin);

        // Another admin of the account cannot complete this admin's consent.
        var callback = await Consent(admin, inboxId, channelId);
        using var other = host.Admin(account, "other-admin");
        await other.GetAsync(callback).Problem(HttpStatusCode.Forbidden);

        // A state changed by a byte is not ours.
        var state = Query(callback, "state");
        var tampered = callback.Replace(Uri.EscapeDataString(state), Uri.EscapeDataString(state[..^2] + (state[^2] == 'A' ? "B" : "A") + state[^1]));
        await admin.GetAsync(tampered).Problem(HttpStatusCode.BadRequest);

        // Signed in to Google as someone else: the granted mailbox is not the channel's, and the channel stays unproven.
        Google.GrantAs = $"someone-else@{account}.example.com";
        try
        {
            var wrong = await Consent(admin, inboxId, channelId);
            var refused = await (await admin.GetAsync(wrong).Expect(HttpStatusCode.BadRequest)).Body();
            Assert.Contains("someone-else", refused["detail"]!.GetValue<string>());
            Assert.Equal(0, Google.WatchOf(Address).Watches);
        }
        finally
        {
            Google.GrantAs = null;
        }

        var right = await Consent(admin, inboxId, channelId);
        var connected = await (await admin.GetAsync(right).Expect(HttpStatusCode.OK)).Body();
        Assert.Equal(Address, connected["address"]!.GetValue<string>());
        Assert.Equal(1, Google.WatchOf(Address).Watches);
        // The same callback again: the state was for one use.
        await admin.GetAsync(right).Problem(HttpStatusCode.Conflict);

        // Removing the channel stops the watch.
        await admin.Send(HttpMethod.Delete, $"api/inboxes/{inboxId}/channels/{channelId}").Expect(HttpStatusCode.NoContent);
        Assert.Equal(1, Google.WatchOf(Address).Stops);
    }

    private static async Task<HttpStatusCode> Push(HttpClient client, string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/gmail") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<(string InboxId, string ChannelId)> GmailInbox(HttpClient admin)
    {
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Support","members":{"everyone":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var channelId = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
                $$$"""{"kind":"email","provider":"gmail","address":"{{{Address}}}","fromName":{"companyName":"Contoso"}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        return (inboxId, channelId);
    }

    private async Task<(string InboxId, string ChannelId)> ConnectedInbox(HttpClient admin)
    {
        var (inboxId, channelId) = await GmailInbox(admin);
        await admin.GetAsync(await Consent(admin, inboxId, channelId)).Expect(HttpStatusCode.OK);
        return (inboxId, channelId);
    }

    /// <summary>Asks for the consent URL and follows it at the fake Google: the callback's path and query it redirects to.</summary>
    private async Task<string> Consent(HttpClient admin, string inboxId, string channelId)
    {
        var authorization = await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{channelId}/gmail-authorization")
            .Expect(HttpStatusCode.OK)).Body();
        var consentUrl = authorization["consentUrl"]!.GetValue<string>();
        Assert.Contains("access_type=offline", consentUrl);
        Assert.Contains("prompt=consent", consentUrl);
        Assert.Contains(Uri.EscapeDataString("https://www.googleapis.com/auth/gmail.readonly"), consentUrl);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var redirect = await browser.GetAsync(consentUrl);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        return redirect.Headers.Location!.PathAndQuery.TrimStart('/');
    }

    private static string Query(string pathAndQuery, string name) =>
        System.Web.HttpUtility.ParseQueryString(pathAndQuery[(pathAndQuery.IndexOf('?') + 1)..])[name]!;

    private static string Mime(string messageId, string subject, string text, string? inReplyTo = null) =>
        $"From: Jane Doe <jane@customer.example>\r\nTo: support@example.com\r\nSubject: {subject}\r\nMessage-ID: {messageId}\r\n" +
        (inReplyTo is null ? "" : $"In-Reply-To: {inReplyTo}\r\nReferences: {inReplyTo}\r\n") +
        $"Date: Thu, 03 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n";
}
