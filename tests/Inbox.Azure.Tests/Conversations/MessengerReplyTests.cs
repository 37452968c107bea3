using InboxServerless.Azure.Cosmos;
using InboxServerless.Azure.Secrets;
using InboxServerless.Azure.Tests.Messenger;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Azure.Tests.Conversations;

/// <summary>An agent's reply on a Messenger conversation, over the Cosmos stores, with Meta mocked at its port.</summary>
[Collection(CosmosCollection.Name)]
public sealed class MessengerReplyTests(CosmosFixture cosmos) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private readonly CosmosContainers containers = cosmos.NewDatabase();
    private readonly FakeTimeProvider clock = new(T0);
    private readonly Mock<IMessengerApi> meta = new(MockBehavior.Strict);
    private int sends;
    private readonly InMemorySecretStore secrets = new();
    private ConversationUseCases useCases = null!;
    private CosmosConversationStore conversations = null!;
    private static readonly Caller Agent = new("acme", "ann", new HashSet<Role> { Role.Member });

    public async Task InitializeAsync()
    {
        // Meta answers each send with the next mid: m_1, m_2, …
        meta.OnSend().ReturnsAsync((string _, string _, string psid, MessengerText _, MessengerSendMode _, IReadOnlyList<MessengerQuickReply>? _, CancellationToken _) =>
            new SendResult.Sent($"m_{++sends}", psid));
        var inboxes = new CosmosInboxStore(containers);
        conversations = new CosmosConversationStore(containers);
        useCases = new ConversationUseCases(inboxes, new CosmosDirectoryStore(containers), conversations, new CosmosTicketStore(containers), clock,
            new MessengerReplies(meta.Object, secrets, clock, new MessengerRetryPolicy { Delay = (_, _) => Task.CompletedTask }));
        var inbox = Inbox.Create("inbox-1", "acme", new InboxSettings { Name = "Messenger" }, T0)
            .WithChannel(new Channel("page-channel", new MessengerChannel { PageId = "4242", PageName = "Acme" }, T0), T0);
        await inboxes.Create(inbox, default);
        await secrets.Set(SecretNames.MessengerPageToken("acme", "page-channel"), "page-token", default);
        await conversations.CreateOrGet(new Conversation
        {
            Id = "conv-1", AccountId = "acme", InboxId = "inbox-1", ChannelId = "page-channel", ChannelKind = ChannelKind.Messenger,
            ThreadKey = "messenger:PSID-1", SenderId = "PSID-1", CreatedAt = T0, LastMessageAt = T0, LastIncomingAt = T0,
        }, default);
    }

    public Task DisposeAsync()
    {
        containers.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Within_a_day_a_reply_is_a_standard_response_and_is_kept_with_its_mid()
    {
        clock.SetUtcNow(T0.AddHours(23).AddMinutes(59).AddSeconds(59));

        var reply = await useCases.Reply(Agent, "inbox-1", "conv-1", new NewReply("On it!"), default);

        Assert.True(reply.IsSuccess, reply.Problem?.Detail);
        var sent = Assert.Single(meta.Sends());
        Assert.Equal(("4242", "page-token", "PSID-1", MessengerSendMode.Response), (sent.PageId, sent.Token, sent.Psid, sent.Mode));
        var stored = (await conversations.Messages("inbox-1", "conv-1", default)).Single();
        Assert.Equal((MessageDirection.Outgoing, "m_1", DeliveryStatus.Sent), (stored.Direction, stored.ExternalId, stored.Delivery!.Status));
        Assert.Equal(Message.IdFor(ChannelKind.Messenger, "m_1"), stored.Id); // so Meta's echo adds nothing
    }

    [Fact]
    public async Task A_reply_whose_echo_was_routed_first_keeps_its_author_and_delivery()
    {
        // Meta's echo of the reply (mid m_1, the fake's first) reached routing before the use case stored the reply.
        await conversations.AddMessage(new Message(Message.IdFor(ChannelKind.Messenger, "m_1"), "inbox-1", "conv-1", "m_1",
            MessageDirection.Outgoing, null, "On it!", null, [], T0), default);

        Assert.True((await useCases.Reply(Agent, "inbox-1", "conv-1", new NewReply("On it!"), default)).IsSuccess);

        var stored = (await conversations.Messages("inbox-1", "conv-1", default)).Single();
        Assert.Equal(("ann", DeliveryStatus.Sent), (stored.SenderId, stored.Delivery?.Status));
    }

    [Fact]
    public async Task After_a_day_a_person_replies_with_the_human_agent_tag()
    {
        clock.SetUtcNow(T0.AddDays(1));

        Assert.True((await useCases.Reply(Agent, "inbox-1", "conv-1", new NewReply("Sorry for the wait"), default)).IsSuccess);
        Assert.Equal(MessengerSendMode.HumanAgent, Assert.Single(meta.Sends()).Mode);
    }

    [Fact]
    public async Task After_seven_days_the_reply_is_refused_before_any_call_and_kept_as_failed()
    {
        clock.SetUtcNow(T0.AddDays(7).AddSeconds(1));

        var reply = await useCases.Reply(Agent, "inbox-1", "conv-1", new NewReply("Hello?"), default);

        Assert.Equal(ProblemKind.Conflict, reply.Problem?.Kind);
        Assert.Contains("2026-12-02T09:00:00Z", reply.Problem!.Title + reply.Problem.Detail);
        Assert.Empty(meta.Sends());
        Assert.Equal(DeliveryStatus.Failed, (await conversations.Messages("inbox-1", "conv-1", default)).Single().Delivery!.Status);
    }

    [Fact]
    public async Task A_person_who_blocked_the_page_is_a_clear_failure()
    {
        meta.OnSend().ReturnsAsync(new SendResult.Failed(new MessengerError(MessengerErrorKind.UserUnavailable, "This person isn't available right now.", 400, 551, 1545041, "trace")));

        var reply = await useCases.Reply(Agent, "inbox-1", "conv-1", new NewReply("Hi"), default);

        Assert.False(reply.IsSuccess);
        Assert.Equal(nameof(MessengerErrorKind.UserUnavailable), (await conversations.Messages("inbox-1", "conv-1", default)).Single().Delivery!.Failure);
    }

    [Fact]
    public async Task A_reply_in_a_conversation_whose_channel_was_disconnected_says_so()
    {
        var inboxes = new CosmosInboxStore(containers);
        var inbox = (await inboxes.Find("acme", "inbox-1", default))!;
        Assert.True((await inboxes.Replace(inbox.Value.WithoutChannel("page-channel", T0), inbox.ETag, default)).IsSuccess);

        var reply = await useCases.Reply(Agent, "inbox-1", "conv-1", new NewReply("Still there?"), default);

        Assert.Equal(ProblemKind.Conflict, reply.Problem?.Kind);
        Assert.Contains("disconnected", reply.Problem!.Detail);
        Assert.DoesNotContain("not supported", reply.Problem.Detail);
        Assert.Empty(meta.Sends());
    }
}
