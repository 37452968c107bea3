using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Functions.Webhooks;
using InboxServerless.Local;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// Meta's Messenger webhook over real HTTP against the dev host (docs/wire-contracts.md#meta-messenger-the-webhook): the subscription
/// handshake, <c>X-Hub-Signature-256</c> over the raw bytes, payloads as Meta documents them (string ids, Unix
/// milliseconds, non-ASCII escaped as <c>\uXXXX</c>), and the whole way from a signed delivery to a stored, assigned
/// conversation. Bodies are written by hand as Meta would send them and the exact bytes sent are signed. Each test has
/// pages of its own; what reached the queue is watched through the in-process queue's fault hook.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class MessengerWebhookTests(DevHostFixture host)
{
    /// <summary>The dev host's <c>Messenger:AppSecret</c> and <c>Messenger:VerifyToken</c> (set by <see cref="DevHostFixture"/>).</summary>
    public const string AppSecret = "e2e-messenger-app-secret";
    public const string VerifyToken = "e2e-messenger-verify-token";

    private const string Webhook = "api/webhooks/messenger";
    private const string SignatureHeader = "X-Hub-Signature-256";

    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly string account = DevHostFixture.NewAccount();

    private IConversationStore Conversations => host.Services.GetRequiredService<IConversationStore>();
    private IContactStore Contacts => host.Services.GetRequiredService<IContactStore>();

    // ---- The handshake ----

    [Fact]
    public async Task The_handshake_answers_the_challenge_as_plain_text_for_subscribe_and_our_token()
    {
        using var meta = host.WithPrincipal(null);
        var challenge = Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture);

        var response = await meta.GetAsync(
            $"{Webhook}?hub.mode=subscribe&hub.challenge={challenge}&hub.verify_token={Uri.EscapeDataString(VerifyToken)}").Expect(HttpStatusCode.OK);

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(challenge, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong-token")]
    [InlineData("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=E2E-MESSENGER-VERIFY-TOKEN")]
    [InlineData("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=e2e-messenger-verify-toke")]
    [InlineData("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=")]
    [InlineData("hub.mode=subscribe&hub.challenge=1158201444")]
    [InlineData("hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=e2e-messenger-verify-token")]
    [InlineData("hub.challenge=1158201444&hub.verify_token=e2e-messenger-verify-token")]
    [InlineData("")]
    public async Task The_handshake_is_refused_for_any_other_mode_or_token(string query)
    {
        using var meta = host.WithPrincipal(null);

        var response = await meta.GetAsync(query.Length == 0 ? Webhook : $"{Webhook}?{query}").Expect(HttpStatusCode.Forbidden);

        Assert.DoesNotContain("1158201444", await response.Content.ReadAsStringAsync());
    }

    // ---- Signatures: checked on the raw bytes, before anything is parsed or queued ----

    [Theory]
    [InlineData("unsigned")]
    [InlineData("wrong signature")]
    [InlineData("signed with another secret")]
    [InlineData("legacy sha1 header only")]
    [InlineData("sha1 value in the sha256 header")]
    [InlineData("no sha256= prefix")]
    [InlineData("truncated")]
    [InlineData("not hex")]
    [InlineData("signature of another body")]
    [InlineData("signature of the body re-serialised without escapes")]
    [InlineData("malformed json, unsigned")]
    public async Task A_delivery_without_a_valid_signature_is_401_and_queues_nothing(string variant)
    {
        var (pageId, inboxId) = await PageInbox();
        var psid = NewPsid();
        // What Meta would send: "Caf\u00e9 ouvert ?" with the é escaped, the bytes that are signed.
        var json = Delivery(Entry(pageId, T0, Text(pageId, psid, T0, NewMid(), @"Caf\u00e9 ouvert ?")));
        var body = Ascii(json);
        var hmacSha1 = "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AppSecret), body));
        (byte[] Sent, (string, string)[] Headers) delivery = variant switch
        {
            "unsigned" => (body, []),
            "wrong signature" => (body, [(SignatureHeader, "sha256=" + new string('0', 64))]),
            "signed with another secret" => (body, [(SignatureHeader, Sign(body, "another-app-secret"))]),
            "legacy sha1 header only" => (body, [("X-Hub-Signature", hmacSha1)]),
            "sha1 value in the sha256 header" => (body, [(SignatureHeader, hmacSha1)]),
            "no sha256= prefix" => (body, [(SignatureHeader, Sign(body)["sha256=".Length..])]),
            "truncated" => (body, [(SignatureHeader, Sign(body)[..^2])]),
            "not hex" => (body, [(SignatureHeader, Sign(body)[..^2] + "zz")]),
            // A captured signature replayed on a changed body.
            "signature of another body" => (Ascii(json.Replace("ouvert", @"ferm\u00e9", StringComparison.Ordinal)), [(SignatureHeader, Sign(body))]),
            // Hashing the JSON re-serialised (é unescaped) would match this; the bytes received do not.
            "signature of the body re-serialised without escapes" =>
                (body, [(SignatureHeader, Sign(Encoding.UTF8.GetBytes(json.Replace(@"\u00e9", "é", StringComparison.Ordinal))))]),
            // The signature is checked before the body is parsed.
            "malformed json, unsigned" => (Ascii("""{"object":"page","entry":["""), []),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };

        using var watch = Watch(pageId);
        await Post(delivery.Sent, delivery.Headers).Problem(HttpStatusCode.Unauthorized);
        await host.WhenIdle();

        Assert.Empty(watch.Offered);
        await AssertNoConversation(inboxId);
    }

    // ---- Bad bodies ----

    [Theory]
    [InlineData("""{"object":"page","entry":[""", "$")]
    [InlineData("""not json at all""", "$")]
    [InlineData("", "$")]
    [InlineData("""{"object":"user","entry":[]}""", "object")]
    [InlineData("""{"object":"page"}""", "entry")]
    [InlineData("""{"object":"page","entry":[{"id":"PAGE","time":1764061200000,"messaging":[{"sender":{"id":"P"},"recipient":{"id":"PAGE"},"timestamp":"yesterday","message":{"mid":"m_1","text":"a"}}]}]}""", "entry")]
    public async Task A_signed_body_that_is_not_a_messenger_delivery_is_400(string json, string field)
    {
        var body = Ascii(json);

        var fields = await Post(body, (SignatureHeader, Sign(body))).Problem(HttpStatusCode.BadRequest);

        Assert.Contains(field, fields);
    }

    [Fact]
    public async Task A_signed_body_with_content_after_the_json_is_400_and_queues_nothing()
    {
        var (pageId, inboxId) = await PageInbox();
        var body = Ascii(Delivery(Entry(pageId, T0, Text(pageId, NewPsid(), T0, NewMid(), "hello"))) + """{"object":"page"}""");

        using var watch = Watch(pageId);
        await Post(body, (SignatureHeader, Sign(body))).Problem(HttpStatusCode.BadRequest);
        await host.WhenIdle();

        Assert.Empty(watch.Offered);
        await AssertNoConversation(inboxId);
    }

    [Fact]
    public async Task A_body_of_one_megabyte_is_read_and_one_byte_more_is_413_whether_its_length_is_announced_or_not()
    {
        var (pageId, inboxId) = await PageInbox();
        var psid = NewPsid();
        var mid = NewMid();
        // Meta pads nothing, but whitespace after the value keeps the JSON valid and reaches the exact size.
        var json = Delivery(Entry(pageId, T0, Text(pageId, psid, T0, mid, "a big one")));
        var atLimit = Ascii(json + new string(' ', MessengerWebhookFunctions.MaxBodyBytes - json.Length));
        var overLimit = Ascii(json + new string(' ', MessengerWebhookFunctions.MaxBodyBytes - json.Length + 1));
        Assert.Equal(MessengerWebhookFunctions.MaxBodyBytes, atLimit.Length);

        using var watch = Watch(pageId);
        await Post(overLimit, (SignatureHeader, Sign(overLimit))).Problem(HttpStatusCode.RequestEntityTooLarge);
        await Post(overLimit, chunked: true, (SignatureHeader, Sign(overLimit))).Problem(HttpStatusCode.RequestEntityTooLarge);
        await host.WhenIdle();
        Assert.Empty(watch.Offered);
        await AssertNoConversation(inboxId);

        await Post(atLimit, (SignatureHeader, Sign(atLimit))).Expect(HttpStatusCode.OK);
        await host.WhenIdle();
        var conversation = await OnlyConversation(inboxId);
        Assert.Equal(mid, Assert.Single(await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None)).ExternalId);
    }

    // ---- From the webhook to a stored, assigned conversation ----

    [Fact]
    public async Task A_signed_message_becomes_a_stored_conversation_with_a_contact_of_the_page_and_an_assignee()
    {
        var (pageId, inboxId) = await PageInbox();
        var psid = NewPsid();
        var mid = NewMid();
        // "Bonjour, ma commande n°42 est arrivée abîmée 😞", escaped as Meta escapes it (the emoji as a surrogate pair).
        const string escaped = @"Bonjour, ma commande n\u00b042 est arriv\u00e9e ab\u00eem\u00e9e \ud83d\ude1e";
        const string text = "Bonjour, ma commande n°42 est arrivée abîmée 😞";
        var body = Ascii(Delivery(Entry(pageId, T0.AddMilliseconds(812), Text(pageId, psid, T0, mid, escaped))));

        using var watch = Watch(pageId);
        var response = await Post(body, (SignatureHeader, Sign(body))).Expect(HttpStatusCode.OK);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        var queued = Assert.Single(watch.Accepted);
        await host.WhenIdle();

        Assert.Equal((InboundEventType.Message, $"messenger:{pageId}", mid, psid), (queued.Type, queued.BindingKey, queued.ExternalId, queued.Sender.Id));
        Assert.Equal(1, host.Deliveries.Of(queued.MessageId));

        var conversation = await OnlyConversation(inboxId);
        Assert.Equal(account, conversation.AccountId);
        Assert.Equal(ChannelKind.Messenger, conversation.ChannelKind);
        Assert.Equal(psid, conversation.SenderId);
        Assert.Equal(ConversationStatus.Open, conversation.Status);
        Assert.Equal((T0, T0), (conversation.LastMessageAt, conversation.LastIncomingAt));
        Assert.Equal("alice", conversation.AssigneeId);
        Assert.Null(conversation.RoutingNote);

        // The contact is known by the page and the page-scoped id: the same person on another page is someone else.
        var key = ContactKey.Messenger(pageId, psid);
        Assert.Equal(key.ContactId(account), conversation.ContactId);
        var contact = await Contacts.Find(account, conversation.ContactId!, CancellationToken.None);
        Assert.NotNull(contact);
        Assert.Equal([key.Value], contact.Keys);

        var message = Assert.Single(await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None));
        Assert.Equal((mid, MessageDirection.Incoming, psid, text, T0), (message.ExternalId, message.Direction, message.SenderId, message.Text, message.SentAt));
        Assert.Empty(message.Attachments);

        // And as the assignee reads it through the API.
        using var alice = host.As(account, "alice");
        var read = await (await alice.GetAsync($"api/inboxes/{inboxId}/conversations/{conversation.Id}").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal("alice", read["conversation"]!["assigneeId"]!.GetValue<string>());
        Assert.Equal(text, Assert.Single(read["messages"]!.AsArray())!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_of_two_pages_stores_every_item_of_the_connected_page_and_drops_the_other_page()
    {
        var (pageId, inboxId) = await PageInbox();
        var unknownPage = Scenarios.NewPageId();
        var psid = NewPsid();
        var stranger = NewPsid();
        var (m1, m2, m3, m4, m5) = (NewMid(), NewMid(), NewMid(), NewMid(), NewMid());
        // Meta escapes the slashes of URLs.
        const string imageUrl = "https://scontent.xx.fbcdn.net/v/t1.15752-9/bell.jpg?_nc_cat=1&oh=00_AfB&oe=6790A1B2";
        const string imageUrlAsSent = @"https:\/\/scontent.xx.fbcdn.net\/v\/t1.15752-9\/bell.jpg?_nc_cat=1&oh=00_AfB&oe=6790A1B2";

        var body = Ascii(Delivery(
            Entry(pageId, T0.AddSeconds(10),
                // A message with a photo and text, then a quick reply.
                $$$"""{"sender":{"id":"{{{psid}}}"},"recipient":{"id":"{{{pageId}}}"},"timestamp":{{{Ms(T0)}}},"message":{"mid":"{{{m1}}}","text":"The bell on my bike is broken","attachments":[{"type":"image","payload":{"url":"{{{imageUrlAsSent}}}"}}]}}""",
                $$$$"""{"sender":{"id":"{{{{psid}}}}"},"recipient":{"id":"{{{{pageId}}}}"},"timestamp":{{{{Ms(T0.AddSeconds(1))}}}},"message":{"mid":"{{{{m2}}}}","text":"Yes","quick_reply":{"payload":"ORDER_HELP_YES"}}}""",
                // A tap on a button.
                $$$"""{"sender":{"id":"{{{psid}}}"},"recipient":{"id":"{{{pageId}}}"},"timestamp":{{{Ms(T0.AddSeconds(2))}}},"postback":{"title":"Talk to a person","payload":"HUMAN_AGENT","mid":"{{{m3}}}"}}""",
                // The page's own send, echoed: sender and recipient swapped.
                $$$"""{"sender":{"id":"{{{pageId}}}"},"recipient":{"id":"{{{psid}}}"},"timestamp":{{{Ms(T0.AddSeconds(3))}}},"message":{"mid":"{{{m4}}}","is_echo":true,"app_id":1517776481860111,"text":"We\u2019re on it."}}""",
                // Receipts: no mid, a watermark in milliseconds.
                $$$"""{"sender":{"id":"{{{psid}}}"},"recipient":{"id":"{{{pageId}}}"},"timestamp":{{{Ms(T0.AddSeconds(4))}}},"delivery":{"mids":["{{{m4}}}"],"watermark":{{{Ms(T0.AddSeconds(3.5))}}}}}""",
                $$$"""{"sender":{"id":"{{{psid}}}"},"recipient":{"id":"{{{pageId}}}"},"timestamp":{{{Ms(T0.AddSeconds(5))}}},"read":{"watermark":{{{Ms(T0.AddSeconds(3.25))}}}}}"""),
            Entry(unknownPage, T0.AddSeconds(10),
                Text(unknownPage, stranger, T0, m5, "Anyone there?"))));

        using var watch = Watch(pageId, unknownPage);
        await Post(body, (SignatureHeader, Sign(body))).Expect(HttpStatusCode.OK);
        await host.WhenIdle();

        // One event per item of the connected page, in order; none for the page no inbox holds.
        Assert.Equal(
            [InboundEventType.Message, InboundEventType.Message, InboundEventType.Postback, InboundEventType.Echo, InboundEventType.Delivery, InboundEventType.Read],
            watch.Accepted.Select(e => e.Type));
        Assert.All(watch.Accepted, e => Assert.Equal($"messenger:{pageId}", e.BindingKey));
        Assert.All(watch.Accepted, e => Assert.Equal(1, host.Deliveries.Of(e.MessageId)));

        var conversation = await OnlyConversation(inboxId);
        var messages = await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None);
        Assert.Equal([m1, m2, m3, m4], messages.Select(m => m.ExternalId));
        Assert.Equal(["The bell on my bike is broken", "Yes", "Talk to a person", "We\u2019re on it."], messages.Select(m => m.Text));
        Assert.Equal([MessageDirection.Incoming, MessageDirection.Incoming, MessageDirection.Incoming, MessageDirection.Outgoing],
            messages.Select(m => m.Direction));
        Assert.Equal([T0, T0.AddSeconds(1), T0.AddSeconds(2), T0.AddSeconds(3)], messages.Select(m => m.SentAt));
        Assert.Equal(imageUrl, Assert.Single(messages[0].Attachments).Url);
        Assert.Equal(("bell.jpg", "image/*"), (messages[0].Attachments[0].Name, messages[0].Attachments[0].ContentType));

        // The echo is ours: it moves the last message but not the contact's last message, which the reply windows count from.
        Assert.Equal(T0.AddSeconds(3), conversation.LastMessageAt);
        Assert.Equal(T0.AddSeconds(2), conversation.LastIncomingAt);
        Assert.Equal(T0.AddSeconds(3.25), conversation.ReadByContactUpTo);
        Assert.Equal("alice", conversation.AssigneeId);
        Assert.Equal(ContactKey.Messenger(pageId, psid).ContactId(account), conversation.ContactId);

        // Nothing of the other page reached routing.
        Assert.Equal(0, host.Deliveries.Of(EventId(unknownPage, InboundEventType.Message, m5)));
    }

    [Fact]
    public async Task A_delivery_only_for_pages_no_inbox_holds_is_acknowledged_and_queues_nothing()
    {
        var unknownPage = Scenarios.NewPageId();
        var body = Ascii(Delivery(Entry(unknownPage, T0, Text(unknownPage, NewPsid(), T0, NewMid(), "Hello?"))));

        using var watch = Watch(unknownPage);
        await Post(body, (SignatureHeader, Sign(body))).Expect(HttpStatusCode.OK);
        await host.WhenIdle();

        Assert.Empty(watch.Offered);
    }

    // ---- Redelivery and retries ----

    [Fact]
    public async Task The_same_delivery_three_times_makes_one_conversation_with_one_message()
    {
        var (pageId, inboxId) = await PageInbox();
        var psid = NewPsid();
        var (mid, readAt) = (NewMid(), T0.AddSeconds(30));
        var body = Ascii(Delivery(Entry(pageId, T0.AddSeconds(31),
            Text(pageId, psid, T0, mid, "Is it in stock?"),
            $$$"""{"sender":{"id":"{{{psid}}}"},"recipient":{"id":"{{{pageId}}}"},"timestamp":{{{Ms(T0.AddSeconds(31))}}},"read":{"watermark":{{{Ms(readAt)}}}}}""")));
        var signature = Sign(body);

        // Meta retries a delivery it thinks failed: the same bytes and the same signature, at once and later.
        using var watch = Watch(pageId);
        for (var i = 0; i < 3; i++)
        {
            await Post(body, (SignatureHeader, signature)).Expect(HttpStatusCode.OK);
            await host.WhenIdle();
        }

        // All three reached routing (the fixture's queue drops no duplicate); routing made one of everything.
        Assert.Equal(6, watch.Accepted.Count);
        // Received at different times, the same item is the same queue message, which Service Bus's duplicate detection drops.
        Assert.Equal(EventId(pageId, InboundEventType.Message, mid), Assert.Single(watch.Accepted.Where(e => e.ExternalId == mid).Select(e => e.MessageId).Distinct()));
        Assert.Equal(3, host.Deliveries.Of(EventId(pageId, InboundEventType.Message, mid)));
        var conversation = await OnlyConversation(inboxId);
        Assert.Equal(mid, Assert.Single(await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None)).ExternalId);
        Assert.Equal(readAt, conversation.ReadByContactUpTo);
        Assert.Equal("alice", conversation.AssigneeId);
        Assert.NotNull(await Contacts.Find(account, ContactKey.Messenger(pageId, psid).ContactId(account), CancellationToken.None));
    }

    [Fact]
    public async Task When_the_queue_refuses_the_webhook_answers_503_so_meta_retries_and_the_retry_is_stored_once()
    {
        var (pageId, inboxId) = await PageInbox();
        var psid = NewPsid();
        var (m1, m2) = (NewMid(), NewMid());
        var body = Ascii(Delivery(Entry(pageId, T0.AddSeconds(2),
            Text(pageId, psid, T0, m1, "First"),
            Text(pageId, psid, T0.AddSeconds(1), m2, "Second"))));
        var signature = Sign(body);

        using var watch = Watch(pageId);
        watch.Refuse = true;
        await Post(body, (SignatureHeader, signature)).Problem(HttpStatusCode.ServiceUnavailable);
        await Post(body, (SignatureHeader, signature)).Problem(HttpStatusCode.ServiceUnavailable);
        await host.WhenIdle();

        // Refused as a whole: nothing of the batch was taken, so nothing was routed.
        Assert.Equal(4, watch.Offered.Count);
        Assert.Empty(watch.Accepted);
        await AssertNoConversation(inboxId);

        watch.Refuse = false;
        await Post(body, (SignatureHeader, signature)).Expect(HttpStatusCode.OK);
        await host.WhenIdle();

        Assert.Equal([m1, m2], watch.Accepted.Select(e => e.ExternalId));
        Assert.All(watch.Accepted, e => Assert.Equal(1, host.Deliveries.Of(e.MessageId)));
        var conversation = await OnlyConversation(inboxId);
        Assert.Equal([m1, m2], (await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None)).Select(m => m.ExternalId));
        Assert.Equal("alice", conversation.AssigneeId);
    }

    // ---- The 7-day window's warning, by mail ----

    [Fact]
    public async Task A_window_closing_within_a_day_warns_the_assignee_by_mail_and_the_dev_host_keeps_it_in_the_outbox()
    {
        var (pageId, inboxId) = await PageInbox();
        var lastMessage = DateTimeOffset.UtcNow.AddDays(-6.5); // the window closes in about 12 hours
        var body = Ascii(Delivery(Entry(pageId, lastMessage, Text(pageId, NewPsid(), lastMessage, NewMid(), "still there?"))));
        await Post(body, (SignatureHeader, Sign(body))).Expect(HttpStatusCode.OK);
        await host.WhenIdle();
        var conversation = await OnlyConversation(inboxId);
        Assert.Equal("alice", conversation.AssigneeId);

        using var developer = host.DevAdmin();
        await developer.Send(HttpMethod.Post, "admin/functions/WatchMessengerWindows").Expect(HttpStatusCode.Accepted);

        var warning = await Eventually(async () => (await (await developer.GetAsync("admin/outbox").Expect(HttpStatusCode.OK)).Body()).AsArray()
            .FirstOrDefault(m => m!["plainText"]!.GetValue<string>().Contains(conversation.Id, StringComparison.Ordinal)));
        Assert.Equal("alice@contoso.com", warning["to"]!.GetValue<string>());
        Assert.StartsWith("Messenger reply window closes ", warning["subject"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Hi Alice, the Messenger conversation", warning["plainText"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> Eventually(Func<Task<System.Text.Json.Nodes.JsonNode?>> find)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(100))
        {
            if (await find() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Nothing matching reached the outbox within 20 s.");
        }
    }

    // ---- Set-up and helpers ----

    /// <summary>
    /// Alice and Bob have paid seats, Carol none; an inbox everyone belongs to with a page of its own whose new
    /// conversations go to Alice.
    /// </summary>
    private async Task<(string PageId, string InboxId)> PageInbox()
    {
        using var admin = host.Admin(account);
        await admin.AddPeople("alice", "bob", "carol");
        return await admin.AddPageInbox("Social", """{"assignment":{"mode":"specific","userIds":["alice"]}}""");
    }

    private async Task<Conversation> OnlyConversation(string inboxId)
    {
        var page = await Conversations.List(inboxId, new ConversationFilter(), 100, null, CancellationToken.None);
        return Assert.Single(page.Items).Value;
    }

    private async Task AssertNoConversation(string inboxId) =>
        Assert.Empty((await Conversations.List(inboxId, new ConversationFilter(), 100, null, CancellationToken.None)).Items);

    /// <summary>POSTs these exact bytes to the webhook as Meta does: no principal, <c>application/json</c>, the given headers.</summary>
    private Task<HttpResponseMessage> Post(byte[] body, params (string Name, string Value)[] headers) => Post(body, chunked: false, headers);

    private async Task<HttpResponseMessage> Post(byte[] body, bool chunked, params (string Name, string Value)[] headers)
    {
        using var meta = host.WithPrincipal(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook);
        request.Content = chunked ? new StreamContent(new UnseekableStream(body)) : new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (chunked) request.Headers.TransferEncodingChunked = true;
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        var response = await meta.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static string Sign(byte[] body, string secret = AppSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>The bytes of a body as Meta sends them: ASCII only, anything else escaped as <c>\uXXXX</c>.</summary>
    private static byte[] Ascii(string json)
    {
        Assert.True(json.All(c => c < 0x80), "Write non-ASCII as \\uXXXX escapes, as Meta does.");
        return Encoding.ASCII.GetBytes(json);
    }

    private static string Delivery(params string[] entries) => $$$"""{"object":"page","entry":[{{{string.Join(",", entries)}}}]}""";

    private static string Entry(string pageId, DateTimeOffset time, params string[] items) =>
        $$$"""{"id":"{{{pageId}}}","time":{{{Ms(time)}}},"messaging":[{{{string.Join(",", items)}}}]}""";

    /// <summary>A text message from a person to a page; <paramref name="escapedText"/> is already JSON (escapes and all).</summary>
    private static string Text(string pageId, string psid, DateTimeOffset timestamp, string mid, string escapedText) =>
        $$$"""{"sender":{"id":"{{{psid}}}"},"recipient":{"id":"{{{pageId}}}"},"timestamp":{{{Ms(timestamp)}}},"message":{"mid":"{{{mid}}}","text":"{{{escapedText}}}"}}""";

    private static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();


    private static string NewPsid() => Random.Shared.NextInt64(1_000_000_000_000_000, 9_999_999_999_999_999).ToString(CultureInfo.InvariantCulture);

    private static string NewMid() => "m_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The queue message id of an item, as the webhook would make it.</summary>
    private static string EventId(string pageId, InboundEventType type, string externalId) => new InboundEvent
    {
        Channel = ChannelKind.Messenger,
        Type = type,
        BindingKey = new ChannelBindingKey(ChannelKind.Messenger, pageId).Value,
        ExternalId = externalId,
        Sender = new InboundSender("-"),
        SentAt = T0,
        ReceivedAt = T0,
    }.MessageId;

    private QueueWatch Watch(params string[] pageIds) => new(host.Queue, pageIds);

    /// <summary>
    /// What the webhook hands the queue for these pages, through the queue's fault hook: offered (every send), and
    /// accepted (sends not refused). With <see cref="Refuse"/> on, sends that carry them fail as an unreachable queue's
    /// would. The tests of the dev host run one at a time, so the hook is this test's until disposed.
    /// </summary>
    private sealed class QueueWatch : IDisposable
    {
        private readonly InProcessInboundQueue queue;
        private readonly ConcurrentQueue<InboundEvent> offered = new();
        private readonly ConcurrentQueue<InboundEvent> accepted = new();

        public QueueWatch(InProcessInboundQueue queue, IEnumerable<string> pageIds)
        {
            this.queue = queue;
            var keys = pageIds.Select(p => new ChannelBindingKey(ChannelKind.Messenger, p).Value).ToHashSet();
            queue.RefuseSends = events =>
            {
                var ours = events.Where(e => keys.Contains(e.BindingKey)).ToList();
                foreach (var e in ours) offered.Enqueue(e);
                if (ours.Count > 0 && Refuse) return true;
                foreach (var e in ours) accepted.Enqueue(e);
                return false;
            };
        }

        public bool Refuse { get; set; }

        public IReadOnlyList<InboundEvent> Offered => [.. offered];

        public IReadOnlyList<InboundEvent> Accepted => [.. accepted];

        public void Dispose() => queue.RefuseSends = null;
    }

    /// <summary>A stream that cannot tell its length, so the request goes out chunked, with no Content-Length.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
