using System.Security.Cryptography;
using System.Text;
using InboxServerless.Azure.Messenger;
using InboxServerless.Core.Domain;

namespace InboxServerless.Azure.Tests.Messenger;

/// <summary>Payloads as Meta documents them (field names, casing, Unix milliseconds), signed as Meta signs them.</summary>
public sealed class MessengerWebhookTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("app-secret");
    private static readonly DateTimeOffset Received = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static string Sign(byte[] body, byte[]? secret = null) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret ?? Secret, body));

    private static IReadOnlyList<InboundEvent> Parse(string json)
    {
        var parsed = MessengerPayload.Parse(Encoding.UTF8.GetBytes(json), Received);
        Assert.True(parsed.IsSuccess, parsed.Problem?.Detail);
        return parsed.Value!;
    }

    [Fact]
    public void The_handshake_echoes_the_challenge_only_for_subscribe_and_our_token()
    {
        Assert.Equal("1158201444", MessengerWebhook.Challenge("subscribe", "tok", "1158201444", "tok"));
        Assert.Null(MessengerWebhook.Challenge("subscribe", "other", "1158201444", "tok"));
        Assert.Null(MessengerWebhook.Challenge("unsubscribe", "tok", "1158201444", "tok"));
        Assert.Null(MessengerWebhook.Challenge("subscribe", null, "1158201444", "tok"));
        Assert.Null(MessengerWebhook.Challenge("subscribe", "", "1158201444", "")); // no token configured: nobody passes
    }

    [Fact]
    public void The_signature_is_the_hmac_of_the_bytes_received()
    {
        // Meta escapes non-ASCII as \uXXXX and signs those bytes: re-serialising the parsed JSON would not match.
        var body = Encoding.UTF8.GetBytes("""{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"message":{"text":"caf\u00e9"}}]}]}""");

        Assert.True(MessengerWebhook.IsSigned(body, Sign(body), Secret));
        Assert.False(MessengerWebhook.IsSigned(body, Sign(body, Encoding.UTF8.GetBytes("other")), Secret));
        Assert.False(MessengerWebhook.IsSigned([.. body, (byte)' '], Sign(body), Secret));
        Assert.False(MessengerWebhook.IsSigned(body, null, Secret));
        Assert.False(MessengerWebhook.IsSigned(body, Sign(body).Replace("sha256=", "sha1="), Secret));
        Assert.False(MessengerWebhook.IsSigned(body, Sign(body)[..^2], Secret));
        Assert.False(MessengerWebhook.IsSigned(body, Sign(body)[..^2] + "zz", Secret));
        Assert.False(MessengerWebhook.IsSigned(body, "sha256=", Secret));
    }

    [Fact]
    public void A_text_message_becomes_one_event_from_the_person_to_the_page()
    {
        var e = Assert.Single(Parse("""
            {"object":"page","entry":[{"id":"PAGE_ID","time":1764061200000,"messaging":[
              {"sender":{"id":"PSID"},"recipient":{"id":"PAGE_ID"},"timestamp":1764061199000,
               "message":{"mid":"m_1","text":"hello, world!","quick_reply":{"payload":"YES"}}}]}]}
            """));

        Assert.Equal((ChannelKind.Messenger, InboundEventType.Message, "messenger:PAGE_ID", "m_1", "PSID"),
            (e.Channel, e.Type, e.BindingKey, e.ExternalId, e.Sender.Id));
        Assert.Equal(("hello, world!", "YES"), (e.Content.Text, e.Content.Payload));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764061199000), e.SentAt);
        Assert.Equal(Received, e.ReceivedAt);
    }

    [Fact]
    public void Every_item_of_every_entry_is_an_event_even_across_pages()
    {
        var events = Parse("""
            {"object":"page","entry":[
              {"id":"111","time":1,"messaging":[
                {"sender":{"id":"A"},"recipient":{"id":"111"},"timestamp":10,"message":{"mid":"m_a1","text":"1"}},
                {"sender":{"id":"A"},"recipient":{"id":"111"},"timestamp":11,"message":{"mid":"m_a2","attachments":[{"type":"image","payload":{"url":"https://cdn.test/x.jpg"}}]}}]},
              {"id":"222","time":2,"messaging":[
                {"sender":{"id":"B"},"recipient":{"id":"222"},"timestamp":12,"postback":{"title":"Get started","payload":"START","mid":"m_b1"}}]}]}
            """);

        Assert.Equal(["m_a1", "m_a2", "m_b1"], events.Select(e => e.ExternalId));
        Assert.Equal(["messenger:111", "messenger:111", "messenger:222"], events.Select(e => e.BindingKey));
        Assert.Equal("https://cdn.test/x.jpg", Assert.Single(events[1].Content.Attachments).Url);
        Assert.Equal((InboundEventType.Postback, "Get started", "START"), (events[2].Type, events[2].Content.Text, events[2].Content.Payload));
    }

    [Theory]
    [InlineData("image", "https://scontent.xx.fbcdn.net/v/t1.15752-9/bell.jpg?_nc_cat=1&oh=00_AfB", "image/*", "bell.jpg")]
    [InlineData("video", "https://video.xx.fbcdn.net/v/t42/clip%20one.mp4?dl=1", "video/*", "clip one.mp4")]
    [InlineData("audio", "https://cdn.fbsbx.com/v/t59/audioclip-1764061200.mp4", "audio/*", "audioclip-1764061200.mp4")]
    [InlineData("file", "https://cdn.fbsbx.com/v/t59/Invoice%202026.pdf?_nc_cat=1#page=2", "application/octet-stream", "Invoice 2026.pdf")]
    [InlineData("sticker", "https://cdn.fbsbx.com/v/sticker.png", "application/octet-stream", "sticker.png")]
    [InlineData("image", "https://cdn.fbsbx.com/", "image/*", "image")]
    [InlineData("file", "https://cdn.fbsbx.com/v/%2F..%2F", "application/octet-stream", "file")]
    [InlineData("file", "not a url", "application/octet-stream", "file")]
    public void An_attachment_has_a_media_type_for_its_kind_and_the_name_its_url_ends_with(string type, string url, string contentType, string name)
    {
        var json = $$$"""
            {"object":"page","entry":[{"id":"111","time":1,"messaging":[
              {"sender":{"id":"A"},"recipient":{"id":"111"},"timestamp":10,"message":{"mid":"m_a","attachments":[{"type":"{{{type}}}","payload":{"url":"{{{url}}}"}}]}}]}]}
            """;

        var attachment = Assert.Single(Assert.Single(Parse(json)).Content.Attachments);

        Assert.Equal((name, contentType, url), (attachment.Name, attachment.ContentType, attachment.Url));
    }

    [Fact]
    public void Entries_of_the_same_page_and_of_others_keep_their_page()
    {
        var events = Parse("""
            {"object":"page","entry":[
              {"id":"111","time":1,"messaging":[{"sender":{"id":"A"},"recipient":{"id":"111"},"timestamp":10,"message":{"mid":"m_1","text":"1"}}]},
              {"id":"222","time":2,"messaging":[{"sender":{"id":"B"},"recipient":{"id":"222"},"timestamp":11,"message":{"mid":"m_2","text":"2"}}]},
              {"id":"111","time":3,"messaging":[{"sender":{"id":"C"},"recipient":{"id":"111"},"timestamp":12,"message":{"mid":"m_3","text":"3"}}]}]}
            """);

        Assert.Equal(["messenger:111", "messenger:222", "messenger:111"], events.Select(e => e.BindingKey));
        Assert.Equal(["A", "B", "C"], events.Select(e => e.Sender.Id));
    }

    [Fact]
    public void An_echo_is_the_pages_own_send_to_the_person()
    {
        var e = Assert.Single(Parse("""
            {"object":"page","entry":[{"id":"111","time":1,"messaging":[
              {"sender":{"id":"111"},"recipient":{"id":"PSID"},"timestamp":20,"message":{"is_echo":true,"app_id":1517776481860111,"mid":"m_echo","text":"hi"}}]}]}
            """));

        Assert.Equal((InboundEventType.Echo, "PSID"), (e.Type, e.Sender.Id));
    }

    [Fact]
    public void Receipts_and_optins_have_no_mid_and_are_keyed_by_sender_and_time()
    {
        var events = Parse("""
            {"object":"page","entry":[{"id":"111","time":1,"messaging":[
              {"sender":{"id":"P"},"recipient":{"id":"111"},"timestamp":30,"read":{"watermark":1764061000000}},
              {"sender":{"id":"P"},"recipient":{"id":"111"},"timestamp":31,"delivery":{"mids":["m_1"],"watermark":1764061000500}},
              {"sender":{"id":"P"},"recipient":{"id":"111"},"timestamp":32,"optin":{"ref":"consent-yes"}}]}]}
            """);

        Assert.Equal([InboundEventType.Read, InboundEventType.Delivery, InboundEventType.OptIn], events.Select(e => e.Type));
        Assert.Equal(["read:P:1764061000000", "delivery:P:1764061000500", "optin:P:32"], events.Select(e => e.ExternalId));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764061000000), events[0].SentAt);
        Assert.Equal("consent-yes", events[2].Content.Payload);
    }

    [Fact]
    public void The_same_item_delivered_twice_is_the_same_event_on_the_queue()
    {
        const string body = """{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"P"},"recipient":{"id":"1"},"timestamp":5,"message":{"mid":"m_x","text":"a"}}]}]}""";

        Assert.Equal(Parse(body)[0].MessageId, MessengerPayload.Parse(Encoding.UTF8.GetBytes(body), Received.AddHours(3)).Value![0].MessageId);
    }

    /// <summary>
    /// Plain messages are read in one pass; an entry whose id follows its items is read through the document.
    /// Both readings give the same events.
    /// </summary>
    [Theory]
    [InlineData("""{"mid":"m_1","text":"hello"}""")]
    [InlineData("""{"mid":"m_1","text":null,"quick_reply":{"payload":"YES"}}""")]
    [InlineData("""{"quick_reply":{"payload":"A"},"mid":"m_\u0031","text":"caf\u00e9 \ud83d\ude42","quick_reply":{"other":1}}""")]
    [InlineData("""{"is_echo":true,"app_id":1517776481860111,"mid":"m_echo","text":"hi","metadata":{"k":[1,2]}}""")]
    [InlineData("""{"is_echo":false,"mid":"m_2","text":"not an echo","is_echo":{"odd":true}}""")]
    public void A_message_reads_the_same_in_one_pass_as_through_the_document(string message)
    {
        const string item = """{"sender":{"id":"PSID"},"recipient":{"id":"104381562489193"},"timestamp":1764061199000,"message":MESSAGE,"nlp":{}}""";
        var items = item.Replace("MESSAGE", message) + "," + """{"sender":{"id":"PSID"},"recipient":{"id":"104381562489193"},"reaction":{"emoji":"x"}}""";

        var onePass = Parse($$"""{"object":"page","entry":[{"id":"104381562489193","time":1,"messaging":[{{items}}]}]}""");
        var document = Parse($$"""{"entry":[{"time":1,"messaging":[{{items}}],"id":"104381562489193"}],"object":"page"}""");

        Assert.Single(onePass);
        Assert.Equal(document, onePass);
    }

    [Theory]
    [InlineData("""{"object":"page","entry":[""", "$")]
    [InlineData("""{"object":"user","entry":[]}""", "object")]
    [InlineData("""{"object":"page"}""", "entry")]
    [InlineData("""{"object":"page","entry":{}}""", "entry")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"P"},"recipient":{"id":"1"},"timestamp":"soon","message":{"mid":"m","text":"a"}}]}]}""", "entry")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"P"},"recipient":{"id":"1"},"timestamp":1,"message":{"text":"no mid"}}]}]}""", "entry")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"recipient":{"id":"1"},"timestamp":1,"message":{"mid":"m"}}]}]}""", "entry")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":"x"}]}""", "entry")]
    [InlineData("""[1,2,3]""", "object")]
    [InlineData("""{"object":"page","entry":[]} {"object":"page","entry":[]}""", "$")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"P"},"recipient":{"id":"1"},"message":{"mid":"m","text":5}}]}]}""", "entry")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"P"},"recipient":{"id":"1"},"message":{"mid":"m","quick_reply":null}}]}]}""", "entry")]
    [InlineData("""{"object":"page","entry":[{"id":"","messaging":[]}]}""", "entry")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"P"},"recipient":{"id":"1"},"message":{"mid":"m"}}]}],"object":"user"}""", "object")]
    public void Anything_else_is_invalid(string body, string field)
    {
        var parsed = MessengerPayload.Parse(Encoding.UTF8.GetBytes(body), Received);

        Assert.Equal(field, Assert.Single(parsed.Problem!.Errors!).Field);
    }

    [Fact]
    public void Over_a_thousand_updates_is_refused()
    {
        var items = string.Join(",", Enumerable.Range(0, 1001).Select(i =>
            $$$"""{"sender":{"id":"P"},"recipient":{"id":"1"},"timestamp":{{{i}}},"message":{"mid":"m{{{i}}}","text":"x"}}"""));

        var parsed = MessengerPayload.Parse(Encoding.UTF8.GetBytes($$"""{"object":"page","entry":[{"id":"1","time":1,"messaging":[{{items}}]}]}"""), Received);

        Assert.Equal(ProblemKind.Invalid, parsed.Problem?.Kind);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_a_crash()
    {
        var deep = new string('[', 5000) + new string(']', 5000);

        Assert.Equal(ProblemKind.Invalid, MessengerPayload.Parse(Encoding.UTF8.GetBytes(deep), Received).Problem?.Kind);
    }
}
