using System.Text;
using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>Messages as <c>GET /users/{id}/messages/{id}</c> returns them, with <c>internetMessageHeaders</c> selected.</summary>
public sealed class GraphMessageNormaliserTests
{
    private const string Mailbox = "email:support@contoso.test";
    private static readonly DateTimeOffset Received = new(2026, 11, 25, 9, 0, 5, TimeSpan.Zero);

    public const string Original = """
        {
          "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('support%40contoso.test')/messages/$entity",
          "@odata.etag": "W/\"CQAAABYAAAB9\"",
          "id": "AAMkAGI2THVSAAA=",
          "createdDateTime": "2026-11-25T08:59:58Z",
          "receivedDateTime": "2026-11-25T08:59:58Z",
          "sentDateTime": "2026-11-25T08:59:51Z",
          "hasAttachments": true,
          "internetMessageId": "<CAF8z1u+Qk9@mail.customer.test>",
          "subject": "Order 1042 arrived damaged",
          "bodyPreview": "Hello, the box was crushed.",
          "importance": "normal",
          "conversationId": "AAQkAGI2TG93AAA=",
          "isRead": false,
          "body": {
            "contentType": "html",
            "content": "<html><head><style>p{margin:0}</style></head><body><p>Hello,</p><p>the box was crushed &amp; the mug   broken.</p><div>Jo<br>Customer</div></body></html>"
          },
          "sender": { "emailAddress": { "name": "Jo Customer", "address": "jo@customer.test" } },
          "from": { "emailAddress": { "name": "Jo Customer", "address": "jo@customer.test" } },
          "toRecipients": [ { "emailAddress": { "name": "Support", "address": "support@contoso.test" } } ],
          "internetMessageHeaders": [
            { "name": "Received", "value": "from mail.customer.test by contoso.test" },
            { "name": "Message-ID", "value": "<CAF8z1u+Qk9@mail.customer.test>" }
          ]
        }
        """;

    public const string Reply = """
        {
          "id": "AAMkAGI2THVSAAB=",
          "receivedDateTime": "2026-11-25T10:15:02Z",
          "sentDateTime": "2026-11-25T10:14:59Z",
          "hasAttachments": false,
          "internetMessageId": "<CAF9aa2@mail.customer.test>",
          "subject": "RE: Order 1042 arrived damaged",
          "conversationId": "AAQkAGI2TG93AAA=",
          "body": { "contentType": "text", "content": "Photos to follow.\r\n\r\n> Hello," },
          "from": { "emailAddress": { "name": "Jo Customer", "address": "jo@customer.test" } },
          "internetMessageHeaders": [
            { "name": "in-reply-to", "value": "<CAF8z1u+Qk9@mail.customer.test>" },
            { "name": "references", "value": "<root@mail.customer.test>\r\n <CAF8z1u+Qk9@mail.customer.test>" }
          ]
        }
        """;

    private static InboundEmail Normalise(string json)
    {
        var normalised = GraphMessageNormaliser.Normalise(Encoding.UTF8.GetBytes(json), Mailbox, Received);
        Assert.True(normalised.IsSuccess, normalised.Problem?.Detail);
        return normalised.Value!;
    }

    [Fact]
    public void A_graph_message_becomes_an_email_event()
    {
        var email = Normalise(Original);
        var e = email.Event;

        Assert.Equal(ChannelKind.Email, e.Channel);
        Assert.Equal(InboundEventType.Message, e.Type);
        Assert.Equal(Mailbox, e.BindingKey);
        Assert.Equal("<CAF8z1u+Qk9@mail.customer.test>", e.ExternalId);
        Assert.Equal(new InboundSender("jo@customer.test", "Jo Customer", "jo@customer.test"), e.Sender);
        Assert.Equal("Order 1042 arrived damaged", e.Content.Subject);
        Assert.StartsWith("<html>", e.Content.Html);
        Assert.Equal("Hello,\nthe box was crushed & the mug broken.\nJo\nCustomer", e.Content.Text);
        Assert.Equal("AAQkAGI2TG93AAA=", e.Thread.ConversationId);
        Assert.Null(e.Thread.InReplyTo);
        Assert.Empty(e.Thread.References);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 59, 51, TimeSpan.Zero), e.SentAt);
        Assert.Equal(Received, e.ReceivedAt);
        Assert.True(email.HasAttachments); // not expanded: the shell fetches them
        Assert.Empty(email.Attachments);
    }

    [Fact]
    public void A_reply_keeps_its_headers_and_joins_the_original_by_graphs_conversation()
    {
        var original = Normalise(Original).Event;
        var reply = Normalise(Reply).Event;

        Assert.Equal("<CAF8z1u+Qk9@mail.customer.test>", reply.Thread.InReplyTo);
        Assert.Equal(["<root@mail.customer.test>", "<CAF8z1u+Qk9@mail.customer.test>"], reply.Thread.References);
        Assert.Equal("Photos to follow.\r\n\r\n> Hello,", reply.Content.Text);
        Assert.Null(reply.Content.Html);
        Assert.Equal(original.SessionKey, reply.SessionKey);
        Assert.Equal(ThreadRules.ThreadKey(original), ThreadRules.ThreadKey(reply));
        Assert.NotEqual(original.MessageId, reply.MessageId);
    }

    [Fact]
    public void Expanded_attachments_are_described()
    {
        var json = Reply.Replace("\"hasAttachments\": false,", """
            "hasAttachments": true,
            "attachments": [
              { "@odata.type": "#microsoft.graph.fileAttachment", "id": "AAMkADA1M=", "name": "photo.jpg", "contentType": "image/jpeg", "size": 48213, "isInline": false },
              { "@odata.type": "#microsoft.graph.fileAttachment", "id": "AAMkADA1N=", "name": "logo.png", "contentType": "image/png", "size": 1200, "isInline": true }
            ],
            """);

        Assert.Equal([new EmailAttachment("photo.jpg", "image/jpeg", 48213), new EmailAttachment("logo.png", "image/png", 1200, IsInline: true)],
            Normalise(json).Attachments);
    }

    [Fact]
    public void A_file_attachments_content_bytes_and_content_id_are_read_and_an_item_attachment_has_no_bytes()
    {
        var json = Reply.Replace("\"hasAttachments\": false,", """
            "hasAttachments": true,
            "attachments": [
              { "@odata.type": "#microsoft.graph.fileAttachment", "id": "AAMkADA1M=", "name": "note.txt", "contentType": "text/plain", "size": 5, "isInline": true, "contentId": "<note@customer.test>", "contentBytes": "aGVsbG8=" },
              { "@odata.type": "#microsoft.graph.itemAttachment", "id": "AAMkADA1O=", "name": "Meeting", "contentType": null, "size": 3000, "isInline": false }
            ],
            """);

        var attachments = Normalise(json).Attachments;

        Assert.Equal("hello"u8.ToArray(), attachments[0].Content!.ToArray());
        Assert.Equal("note@customer.test", attachments[0].ContentId);
        Assert.Null(attachments[1].Content);
    }

    [Fact]
    public void A_forwarded_header_block_in_the_html_body_names_the_original_sender()
    {
        var json = Reply.Replace(
            "\"body\": { \"contentType\": \"text\", \"content\": \"Photos to follow.\\r\\n\\r\\n> Hello,\" },",
            "\"body\": { \"contentType\": \"html\", \"content\": \"<div>FYI</div><div>-----Original Message-----<br>From: Jo Customer [mailto:jo@customer.test]<br>Sent: Tuesday<br>Subject: Order 1042</div><p>The box was crushed.</p>\" },");

        Assert.Equal(new InboundSender("jo@customer.test", "Jo Customer", "jo@customer.test"), Normalise(json).ForwardedFrom);
    }

    [Fact]
    public void Without_an_internet_message_id_graphs_id_identifies_it_and_without_dates_the_receipt_dates_it()
    {
        var json = Reply.Replace("\"internetMessageId\": \"<CAF9aa2@mail.customer.test>\",", "")
            .Replace("\"sentDateTime\": \"2026-11-25T10:14:59Z\",", "").Replace("\"receivedDateTime\": \"2026-11-25T10:15:02Z\",", "");

        var e = Normalise(json).Event;

        Assert.Equal("AAMkAGI2THVSAAB=", e.ExternalId);
        Assert.Equal(Received, e.SentAt);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"id":"AAMk=","from":{"emailAddress":{"name":"Jo"}}}""")]
    [InlineData("""{"id":"AAMk=","from":{"emailAddress":{"address":42}}}""")]
    [InlineData("""{"from":{"emailAddress":{"address":"jo@customer.test"}}}""")]
    [InlineData("""{"id":"AAMk=","sentDateTime":"yesterday","from":{"emailAddress":{"address":"jo@customer.test"}}}""")]
    public void A_body_that_is_not_a_message_is_a_problem(string json)
    {
        var normalised = GraphMessageNormaliser.Normalise(Encoding.UTF8.GetBytes(json), Mailbox, Received);

        Assert.False(normalised.IsSuccess);
        Assert.Equal(ProblemKind.Invalid, normalised.Problem!.Kind);
    }
}
