using InboxServerless.Azure.Email;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Azure.Storage.Blobs;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Core.Ports;
using InboxServerless.Functions.Queue;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Testing;
using Moq;

namespace InboxServerless.Functions.Tests.ServiceBus;

/// <summary>
/// The consumer as the worker invokes it: the body as a string, the properties in the binding data, and a Durable
/// client, here the in-process engine's with a stand-in routing orchestration that records what it was given.
/// </summary>
public sealed class ConsumeInboundEventTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static readonly InboundEvent Sent = new()
    {
        Channel = ChannelKind.Chat,
        Type = InboundEventType.Message,
        BindingKey = "chat:widget-1",
        ExternalId = "chat-msg-1",
        Sender = new InboundSender("visitor-1"),
        Thread = new ThreadHints { SessionId = "visit-1" },
        Content = new InboundContent { Text = "hi" },
        SentAt = Now,
        ReceivedAt = Now,
    };

    private readonly ConcurrentQueue<InboundEvent> routed = new();
    private volatile bool routingFails;
    private DurableTaskTestHost durable = null!;

    public async Task InitializeAsync() => durable = await DurableTaskTestHost.StartAsync(registry =>
        registry.AddOrchestratorFunc<InboundEvent, RoutingResult>(nameof(RouteInboundEvent), (_, e) =>
        {
            if (routingFails) throw new InvalidOperationException("store down");
            routed.Enqueue(e);
            return new RoutingResult(RoutingStatus.Routed, "conversation-1");
        }));

    public async Task DisposeAsync() => await durable.DisposeAsync();

    // Bodies carry their event here, so the claim-check store is never called.
    private static readonly Inbox Forwarding = Inbox.Create("inbox-1", "acct-1", new InboxSettings { Name = "Support" }, Now).WithChannel(
        new Channel("email-1", new EmailChannel { Provider = EmailProvider.Forwarding, Address = "help@acme.com", FromName = new() { CompanyName = "Acme" } }, Now), Now);

    private readonly Mock<IMailboxReader> mailbox = new();

    private readonly Mock<IConversationStore> conversations = new();
    private readonly List<IChannelMailSender> senders = [];

    private InboundQueueFunctions Functions()
    {
        var inboxes = new Mock<IInboxStore>();
        inboxes.Setup(s => s.Find("acct-1", "inbox-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Inbox>(Forwarding, "\"v1\""));
        mailbox.SetupGet(r => r.Provider).Returns(EmailProvider.Forwarding);
        return new(
            new InboundMessageReader(new ClaimCheckStore(new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/claim-checks")))),
            new InboundEventConsumer(new MailboxChanges(inboxes.Object, [mailbox.Object]), new EmailReplies(conversations.Object, inboxes.Object,
                Mock.Of<IDirectoryStore>(d => d.Load(It.IsAny<string>(), It.IsAny<CancellationToken>()) == Task.FromResult(AccountDirectory.Empty)),
                Mock.Of<IInboundQueue>(), Mock.Of<IAttachmentStore>(), new MailHtml(), senders, TimeProvider.System)),
            new ServiceBusQueueOptions());
    }

    private Task Consume(string body, FunctionContext context) => Functions().Consume(body, context, durable.Client, CancellationToken.None);

    private static string Json(InboundEvent e) => JsonSerializer.Serialize(e, InboxJson.Storage);

    [Fact]
    public async Task Routes_the_event_once_however_often_it_is_delivered()
    {
        // The host serialises the message's application properties to JSON in the binding data.
        var context = new BindingDataContext(new Dictionary<string, object?> { ["ApplicationProperties"] = """{"version":1}""", ["MessageId"] = Sent.MessageId });

        await Consume(Json(Sent), context);
        await Consume(Json(Sent), context);

        Assert.Equal(Json(Sent), Json(Assert.Single(routed)));
    }

    [Fact]
    public async Task An_unknown_version_throws_so_the_message_is_redelivered_then_dead_lettered()
    {
        var context = new BindingDataContext(new Dictionary<string, object?> { ["ApplicationProperties"] = """{"version":2}""" });

        await Assert.ThrowsAsync<UnsupportedInboundEventVersionException>(() => Consume(Json(Sent), context));

        Assert.Empty(routed);
    }

    [Fact]
    public async Task Failed_routing_fails_the_invocation_and_a_redelivery_routes_again()
    {
        var context = new BindingDataContext(new Dictionary<string, object?> { ["ApplicationProperties"] = """{"version":1}""" });
        routingFails = true;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Consume(Json(Sent), context));
        routingFails = false;
        await Consume(Json(Sent), context);

        Assert.Contains("store down", failure.Message);
        Assert.Single(routed);
    }

    [Fact]
    public void Application_properties_are_read_from_json_or_taken_as_they_are()
    {
        var fromJson = ApplicationProperties.From("""{"version":1,"claimCheck":"abc"}""");
        Assert.Equal(1, ((JsonElement)fromJson["version"]).GetInt32());
        Assert.Equal("abc", ((JsonElement)fromJson["claimCheck"]).GetString());

        Assert.Empty(ApplicationProperties.From(null));
        Assert.Empty(ApplicationProperties.Of(new BindingDataContext(new Dictionary<string, object?>())));
        Assert.Equal(1, ApplicationProperties.From(new Dictionary<string, object> { ["version"] = 1 })["version"]);
    }

    /// <summary>Just enough of a <see cref="FunctionContext"/> for a function that reads its binding data.</summary>
    private sealed class BindingDataContext(IReadOnlyDictionary<string, object?> bindingData) : FunctionContext
    {
        public override string InvocationId => "invocation-1";
        public override string FunctionId => "ConsumeInboundEvent";
        public override TraceContext TraceContext => throw new NotSupportedException();
        public override BindingContext BindingContext { get; } = new Bindings(bindingData);
        public override RetryContext RetryContext => throw new NotSupportedException();
        public override IServiceProvider InstanceServices { get; set; } = null!;
        public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();
        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
        public override Microsoft.Azure.Functions.Worker.IInvocationFeatures Features => throw new NotSupportedException();

        private sealed class Bindings(IReadOnlyDictionary<string, object?> data) : BindingContext
        {
            public override IReadOnlyDictionary<string, object?> BindingData { get; } = data.ToImmutableDictionary();
        }
    }

    [Fact]
    public async Task A_mailbox_change_routes_each_message_it_names_once_however_often_it_is_delivered()
    {
        var change = new MailboxChange(EmailProvider.Forwarding, MailboxChangeKind.NewMail, "acct-1", "inbox-1", "email-1", Reference: "raw-1");
        var notice = Sent with { Channel = ChannelKind.Email, Type = InboundEventType.MailboxChange, BindingKey = "email:help@acme.com", ExternalId = "raw-1", Mailbox = change };
        InboundEvent Mail(string id) => Sent with { Channel = ChannelKind.Email, BindingKey = "email:help@acme.com", ExternalId = id, Thread = new ThreadHints() };
        mailbox.Setup(r => r.Read(It.IsAny<Mailbox>(), change, It.IsAny<CancellationToken>())).ReturnsAsync(new MailboxRead([Mail("<a@x>"), Mail("<b@x>")]));
        var context = new BindingDataContext(new Dictionary<string, object?> { ["ApplicationProperties"] = """{"version":1}""", ["MessageId"] = notice.MessageId });

        await Consume(Json(notice), context);
        await Consume(Json(notice), context);

        Assert.Equal(["<a@x>", "<b@x>"], routed.Select(e => e.ExternalId));
        mailbox.Verify(r => r.Read(It.Is<Mailbox>(m => m.Channel.Id == "email-1"), change, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Theory]
    [InlineData("3", DeliveryStatus.Queued)]
    [InlineData("10", DeliveryStatus.Failed)]
    public async Task A_reply_that_fails_on_the_queues_last_delivery_is_recorded_failed_for_good(string deliveryCount, DeliveryStatus recorded)
    {
        var reply = new OutgoingReply("acct-1", "inbox-1", "conv-1", "reply-1");
        var queued = new Message("reply-1", "inbox-1", "conv-1", "<r1@acme.com>", MessageDirection.Outgoing, "alice", "On it", null, [], Now,
            new MessageDelivery(DeliveryStatus.Queued));
        conversations.Setup(s => s.FindMessage("inbox-1", "reply-1", It.IsAny<CancellationToken>())).ReturnsAsync(queued);
        conversations.Setup(s => s.Find("inbox-1", "conv-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Conversation>(new Conversation
        {
            Id = "conv-1", AccountId = "acct-1", InboxId = "inbox-1", ChannelId = "email-1", ChannelKind = ChannelKind.Email, ThreadKey = "email:message:<q@x>",
            SenderId = "ann@example.test", CreatedAt = Now, LastMessageAt = Now,
        }, "\"c1\""));
        conversations.Setup(s => s.Messages("inbox-1", "conv-1", It.IsAny<CancellationToken>())).ReturnsAsync([queued]);
        Message? saved = null;
        conversations.Setup(s => s.SaveMessage(It.IsAny<Message>(), It.IsAny<CancellationToken>())).Callback((Message m, CancellationToken _) => saved = m);
        senders.Add(Mock.Of<IChannelMailSender>(m => m.Provider == EmailProvider.Forwarding
            && m.Send(It.IsAny<ChannelMail>(), It.IsAny<CancellationToken>()) == Task.FromException<MailSendResult>(new TimeoutException("ACS did not answer"))));
        var onQueue = reply.Queued(ChannelKind.Email, Now);
        var context = new BindingDataContext(new Dictionary<string, object?>
        {
            ["ApplicationProperties"] = """{"version":1}""", ["MessageId"] = onQueue.MessageId, ["DeliveryCount"] = deliveryCount,
        });

        await Assert.ThrowsAsync<TimeoutException>(() => Consume(Json(onQueue), context));

        Assert.Equal((recorded, int.Parse(deliveryCount, System.Globalization.CultureInfo.InvariantCulture)), (saved!.Delivery!.Status, saved.Delivery.Attempts));
        Assert.Empty(routed);
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(4L, 4)]
    [InlineData("7", 7)]
    [InlineData(null, 1)]
    [InlineData("many", 1)]
    public void The_delivery_count_is_read_as_the_host_hands_it_over(object? raw, int expected) => Assert.Equal(expected, DeliveryCount.From(raw));
}
