using System.Text.RegularExpressions;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application.Email;

/// <summary>
/// An agent's e-mail reply is stored as it will be sent and queued; the queue's consumer sends it once through the
/// channel's provider and records what became of it. Ports mocked; the stores and providers are tested on their own.
/// </summary>
public sealed partial class EmailRepliesTests
{
    private static readonly EmailChannel Team = TestData.Email() with
    {
        FromName = new FromName { Format = FromNameFormat.AgentAndCompany, CompanyName = "Acme" },
        Signature = "<p>{{fullName}}</p><script>alert(1)</script>",
    };

    private static readonly Inbox Support = Inbox.Create(TestData.InboxId, TestData.AccountId, new InboxSettings { Name = "Support" }, TestData.T0)
        .WithChannel(new Channel(TestData.EmailChannelId, Team, TestData.T0, ChannelOwnership.Proven(TestData.T0)), TestData.T0);

    private static readonly Conversation Thread = new()
    {
        Id = "conv-1",
        AccountId = TestData.AccountId,
        InboxId = TestData.InboxId,
        ChannelId = TestData.EmailChannelId,
        ChannelKind = ChannelKind.Email,
        ThreadKey = "email:conversation:thread-9",
        SenderId = "ana@example.test",
        Subject = "Order 42",
        CreatedAt = TestData.T0,
        LastMessageAt = TestData.T0,
    };

    private static readonly Message Question = new("q", TestData.InboxId, "conv-1", "<q@example.test>", MessageDirection.Incoming, "ana@example.test",
        "Where is my order?", null, [], TestData.T0);

    private readonly Mock<IConversationStore> conversations = new();
    private readonly Mock<IInboxStore> inboxes = new();
    private readonly Mock<IDirectoryStore> directories = new();
    private readonly Mock<IInboundQueue> queue = new();
    private readonly Mock<IAttachmentStore> attachments = new();
    private readonly Mock<IChannelMailSender> gmail = new();
    private readonly FakeTimeProvider clock = new(TestData.T0.AddHours(1));
    private readonly Dictionary<string, Message> messages = new() { ["q"] = Question };
    private readonly List<InboundEvent> queued = [];
    private readonly List<ChannelMail> sent = [];

    public EmailRepliesTests()
    {
        conversations.Setup(s => s.SaveMessage(It.IsAny<Message>(), It.IsAny<CancellationToken>())).Callback((Message m, CancellationToken _) => messages[m.Id] = m);
        conversations.Setup(s => s.FindMessage(TestData.InboxId, It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, string id, CancellationToken _) => messages.GetValueOrDefault(id));
        conversations.Setup(s => s.Messages(TestData.InboxId, "conv-1", It.IsAny<CancellationToken>())).ReturnsAsync(() => [.. messages.Values]);
        conversations.Setup(s => s.Find(TestData.InboxId, "conv-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Conversation>(Thread, "\"c1\""));
        conversations.Setup(s => s.Replace(It.IsAny<Conversation>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Conversation c, string _, CancellationToken _) => new Versioned<Conversation>(c, "\"c2\""));
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Inbox>(Support, "\"i1\""));
        directories.Setup(d => d.Load(TestData.AccountId, It.IsAny<CancellationToken>())).ReturnsAsync(TestData.AcmeDirectory);
        queue.Setup(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>()))
            .Callback((IReadOnlyList<InboundEvent> events, CancellationToken _) => queued.AddRange(events)).Returns(Task.CompletedTask);
        gmail.SetupGet(s => s.Provider).Returns(EmailProvider.Gmail);
        gmail.Setup(s => s.Send(It.IsAny<ChannelMail>(), It.IsAny<CancellationToken>()))
            .Callback((ChannelMail mail, CancellationToken _) => sent.Add(mail)).ReturnsAsync(new MailSendResult.Sent("gmail-1"));
    }

    private EmailReplies Replies() => new(conversations.Object, inboxes.Object, directories.Object, queue.Object, attachments.Object,
        new ScriptlessHtml(), [gmail.Object], clock);

    private Task<Outcome<Message>> Queue(string text = "It ships today.\nRegards", IReadOnlyList<string>? attachmentIds = null) =>
        Replies().Queue(Support, TestData.AcmeDirectory, "alice", Thread, Team, new NewReply(text, attachmentIds), default);

    private async Task<Message> Queued()
    {
        var reply = await Queue();
        return reply.Value!;
    }

    private Task Send(Message reply, int delivery = 1, int max = 3) =>
        Replies().Send(queued.Single(e => e.Reply!.MessageId == reply.Id).Reply!, new DeliveryAttempt(delivery, max), default);

    [Fact]
    public async Task A_reply_is_stored_as_it_will_be_sent_queued_and_put_on_the_queue()
    {
        var reply = await Queued();

        Assert.Equal((DeliveryStatus.Queued, MessageDirection.Outgoing, "alice"), (reply.Delivery!.Status, reply.Direction, reply.SenderId));
        Assert.Equal("<div>It ships today.<br>\nRegards</div>\n<br>\n<div><p>Alice Martin</p></div>", reply.Html);
        Assert.Equal("It ships today.\nRegards\n\n-- \nAlice Martin", reply.Text);
        Assert.Matches("^<[0-9a-f]{32}@acme.com>$", reply.ExternalId);
        Assert.Equal(Message.IdFor(ChannelKind.Email, reply.ExternalId), reply.Id);
        Assert.Same(reply, messages[reply.Id]);
        var onQueue = Assert.Single(queued);
        Assert.Equal((InboundEventType.Reply, new OutgoingReply(TestData.AccountId, TestData.InboxId, "conv-1", reply.Id)), (onQueue.Type, onQueue.Reply));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task An_empty_reply_is_refused_and_nothing_is_kept(string text)
    {
        var reply = await Queue(text);

        Assert.Equal(("text", ProblemKind.Invalid), (reply.Problem!.Errors![0].Field, reply.Problem.Kind));
        Assert.Single(messages);
        Assert.Empty(queued);
    }

    [Fact]
    public async Task A_file_the_inbox_does_not_hold_is_refused_and_nothing_is_kept()
    {
        var reply = await Queue(attachmentIds: [new string('a', 64)]);

        Assert.Equal(("attachmentIds", ProblemKind.Invalid), (reply.Problem!.Errors![0].Field, reply.Problem.Kind));
        Assert.Empty(queued);
    }

    [Fact]
    public async Task A_reply_the_queue_could_not_take_is_a_503_and_shown_failed_on_the_message()
    {
        queue.Setup(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>())).ThrowsAsync(new TimeoutException());

        var reply = await Queue();

        Assert.Equal(ProblemKind.Unavailable, reply.Problem!.Kind);
        var stored = messages.Values.Single(m => m.Direction == MessageDirection.Outgoing);
        Assert.Equal((DeliveryStatus.Failed, "NotQueued"), (stored.Delivery!.Status, stored.Delivery.Failure));
    }

    [Fact]
    public async Task The_consumer_sends_the_reply_in_the_thread_and_records_it_sent()
    {
        var reply = await Queued();

        await Send(reply);

        var mail = Assert.Single(sent);
        Assert.Equal((TestData.AccountId, TestData.EmailChannelId, "thread-9", 1), (mail.AccountId, mail.ChannelId, mail.ProviderThreadId, mail.Attempt));
        Assert.Equal(("ana@example.test", "help@acme.com", "Alice Martin at Acme", "Re: Order 42"), (mail.Mail.To, mail.Mail.From, mail.Mail.FromName, mail.Mail.Subject));
        Assert.Equal((reply.ExternalId, "<q@example.test>", reply.Html, reply.Text), (mail.Mail.MessageId, mail.Mail.InReplyTo, mail.Mail.Html, mail.Mail.PlainText));
        Assert.Equal(["<q@example.test>"], mail.Mail.References);
        var delivery = messages[reply.Id].Delivery!;
        Assert.Equal((DeliveryStatus.Sent, "gmail-1", 1, clock.GetUtcNow()), (delivery.Status, delivery.ProviderMessageId, delivery.Attempts, delivery.SentAt));
        conversations.Verify(s => s.Replace(It.Is<Conversation>(c => c.LastMessageAt == clock.GetUtcNow()), "\"c1\"", It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task A_redelivered_reply_that_was_sent_sends_nothing()
    {
        var reply = await Queued();
        await Send(reply);

        await Send(reply, delivery: 2);

        Assert.Single(sent);
    }

    [Fact]
    public async Task A_transient_failure_is_recorded_and_retried_and_the_last_one_is_final()
    {
        var reply = await Queued();
        gmail.Setup(s => s.Send(It.IsAny<ChannelMail>(), It.IsAny<CancellationToken>())).ThrowsAsync(new HttpRequestException("Gmail answered 503"));

        await Assert.ThrowsAsync<HttpRequestException>(() => Send(reply, delivery: 1, max: 2));
        var retrying = messages[reply.Id].Delivery!;
        Assert.Equal((DeliveryStatus.Queued, 1, "Attempt 1 failed, to be retried: Gmail answered 503"), (retrying.Status, retrying.Attempts, retrying.Detail));

        await Assert.ThrowsAsync<HttpRequestException>(() => Send(reply, delivery: 2, max: 2));
        var failed = messages[reply.Id].Delivery!;
        Assert.Equal((DeliveryStatus.Failed, "SendFailed", "Gave up after 2 attempts: Gmail answered 503"), (failed.Status, failed.Failure, failed.Detail));
    }

    [Fact]
    public async Task A_refused_reply_is_failed_with_the_reason_and_not_retried()
    {
        var reply = await Queued();
        gmail.Setup(s => s.Send(It.IsAny<ChannelMail>(), It.IsAny<CancellationToken>())).ReturnsAsync(new MailSendResult.Refused("Invalid To header"));

        await Send(reply);

        var failed = messages[reply.Id].Delivery!;
        Assert.Equal((DeliveryStatus.Failed, "Refused", "Invalid To header"), (failed.Status, failed.Failure, failed.Detail));
        conversations.Verify(s => s.Replace(It.IsAny<Conversation>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_reply_whose_channel_was_disconnected_meanwhile_fails_with_that_reason()
    {
        var reply = await Queued();
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Inbox>(Support.WithoutChannel(TestData.EmailChannelId, TestData.T0), "\"i2\""));

        await Send(reply);

        Assert.Empty(sent);
        Assert.Equal((DeliveryStatus.Failed, "ChannelDisconnected"), (messages[reply.Id].Delivery!.Status, messages[reply.Id].Delivery!.Failure));
    }

    [Fact]
    public async Task A_provider_with_no_sender_here_fails_the_reply_clearly()
    {
        var reply = await Queued();
        gmail.SetupGet(s => s.Provider).Returns(EmailProvider.Office365);

        await Send(reply);

        Assert.Equal((DeliveryStatus.Failed, "NotSupported"), (messages[reply.Id].Delivery!.Status, messages[reply.Id].Delivery!.Failure));
    }

    /// <summary>Enough of a sanitiser to tell that the reply's HTML goes through one: the real one is tested in Inbox.Azure.</summary>
    private sealed partial class ScriptlessHtml : IMailHtml
    {
        public string Sanitize(string html) => Script().Replace(html, "");

        public string ToText(string html) => Tag().Replace(html, "");

        [GeneratedRegex("<script>.*?</script>")]
        private static partial Regex Script();

        [GeneratedRegex("<[^>]+>")]
        private static partial Regex Tag();
    }
}
