using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace InboxServerless.Core.Tests.Application.Email;

/// <summary>The subscriptions' timer, with Graph, the store, the secrets and the queue at their ports.</summary>
public sealed class MailboxSubscriptionUpkeepTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(Now);
    private readonly Mock<IGraphMailboxes> graph = new();
    private readonly Mock<IMailboxSubscriptionStore> store = new();
    private readonly Mock<ISecretStore> secrets = new();
    private readonly Mock<IInboundQueue> queue = new();
    private readonly List<InboundEvent> queued = [];
    private readonly List<MailboxSubscription> stored = [];
    private readonly MailboxSubscriptionUpkeep upkeep;

    public MailboxSubscriptionUpkeepTests()
    {
        secrets.Setup(s => s.Get(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync("client-state");
        queue.Setup(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>()))
            .Callback((IReadOnlyList<InboundEvent> events, CancellationToken _) => queued.AddRange(events)).Returns(Task.CompletedTask);
        store.Setup(s => s.Put(It.IsAny<MailboxSubscription>(), It.IsAny<CancellationToken>()))
            .Callback((MailboxSubscription s, CancellationToken _) => stored.Add(s)).Returns(Task.CompletedTask);
        upkeep = new MailboxSubscriptionUpkeep(store.Object, new GraphSubscriptions(graph.Object, store.Object, secrets.Object, clock), queue.Object,
            new SubscriptionUpkeepPolicy(TimeSpan.FromDays(1), TimeSpan.FromHours(6)), clock);
    }

    private static MailboxSubscription Subscription(string id, TimeSpan expiresIn, TimeSpan notifiedAgo) =>
        new(id, "acc", "inbox", "ch-" + id, $"{id}@contoso.test", "tenant", Now - TimeSpan.FromDays(5), Now + expiresIn) { LastNotificationAt = Now - notifiedAgo };

    private void Holding(params MailboxSubscription[] subscriptions) =>
        store.Setup(s => s.List(It.IsAny<CancellationToken>())).ReturnsAsync(subscriptions);

    [Fact]
    public async Task Renews_the_one_about_to_lapse_and_leaves_the_others()
    {
        Holding(Subscription("lapsing", TimeSpan.FromHours(3), TimeSpan.FromMinutes(1)), Subscription("fine", TimeSpan.FromDays(4), TimeSpan.FromMinutes(1)));
        graph.Setup(g => g.Renew("tenant", "lapsing", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, string _, DateTimeOffset at, CancellationToken _) => at);

        var result = await upkeep.Run(default);

        Assert.Equal(new UpkeepResult(1, 0, 0, 0), result);
        Assert.Equal(Now + MailboxSubscriptionRules.Asked, Assert.Single(stored).ExpiresAt);
        graph.Verify(g => g.Renew("tenant", "fine", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Empty(queued);
    }

    [Fact]
    public async Task A_renewal_keeps_the_delta_link_the_consumer_kept_since_the_listing()
    {
        var listed = Subscription("lapsing", TimeSpan.FromHours(3), TimeSpan.FromMinutes(1));
        Holding(listed);
        store.Setup(s => s.Find("lapsing", It.IsAny<CancellationToken>())).ReturnsAsync(listed with { DeltaLink = "https://graph/delta?$deltatoken=2" });
        graph.Setup(g => g.Renew("tenant", "lapsing", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, string _, DateTimeOffset at, CancellationToken _) => at);

        await upkeep.Run(default);

        Assert.Equal("https://graph/delta?$deltatoken=2", Assert.Single(stored).DeltaLink);
    }

    [Fact]
    public async Task Creates_again_the_one_Graph_forgot_and_catches_its_mailbox_up()
    {
        Holding(Subscription("forgotten", TimeSpan.FromHours(3), TimeSpan.FromMinutes(1)));
        graph.Setup(g => g.Renew("tenant", "forgotten", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Problem.NotFound("The Graph subscription"));
        graph.Setup(g => g.Subscribe("tenant", "forgotten@contoso.test", "client-state", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GraphSubscriptionCreated("new-id", Now + TimeSpan.FromDays(7)));

        var result = await upkeep.Run(default);

        Assert.Equal(new UpkeepResult(0, 1, 1, 0), result);
        Assert.Equal("new-id", Assert.Single(stored).Id);
        store.Verify(s => s.Delete("forgotten", It.IsAny<CancellationToken>()));
        var change = Assert.Single(queued).Mailbox!;
        Assert.Equal((MailboxChangeKind.CatchUp, "new-id", "ch-forgotten"), (change.Kind, change.SubscriptionId, change.ChannelId));
    }

    [Fact]
    public async Task Queues_a_catch_up_for_a_quiet_mailbox_with_the_same_id_when_run_twice()
    {
        Holding(Subscription("quiet", TimeSpan.FromDays(4), TimeSpan.FromHours(9)));

        await upkeep.Run(default);
        clock.Advance(TimeSpan.FromMinutes(30));
        await upkeep.Run(default);

        Assert.Equal(2, queued.Count);
        Assert.Equal(queued[0].MessageId, queued[1].MessageId); // the queue's duplicate detection keeps one
        Assert.Equal(EmailProvider.Office365, queued[0].Mailbox!.Provider);
        Assert.Equal("email:quiet@contoso.test", queued[0].BindingKey);
    }

    [Fact]
    public async Task A_renewal_that_fails_is_counted_and_the_others_go_on()
    {
        Holding(Subscription("down", TimeSpan.FromHours(3), TimeSpan.FromMinutes(1)), Subscription("up", TimeSpan.FromHours(3), TimeSpan.FromMinutes(1)));
        graph.Setup(g => g.Renew("tenant", "down", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Problem(ProblemKind.Unavailable, "Graph could not be reached."));
        graph.Setup(g => g.Renew("tenant", "up", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, string _, DateTimeOffset at, CancellationToken _) => at);

        var result = await upkeep.Run(default);

        Assert.Equal(new UpkeepResult(1, 0, 0, 1), result);
    }
}
