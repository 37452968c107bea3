using InboxServerless.Azure.Cosmos;
using InboxServerless.Azure.Notifications;
using InboxServerless.Azure.Secrets;
using InboxServerless.Azure.Tests.Email;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Local;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace InboxServerless.Azure.Tests.Conversations;

/// <summary>
/// What agents do to conversations (assign, unassign, close, reopen) mixed with routing of new and follow-up e-mails:
/// routing keeps working whatever the agents did, and every conversation ends as a model of the rules says.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class AgentActionsAndRoutingTests(CosmosFixture cosmos) : IAsyncLifetime
{
    private const string Account = "acme";
    private const string Address = "desk@acme.test";
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] PaidCandidates = ["ann", "bob"];

    private readonly CosmosContainers containers = cosmos.NewDatabase();
    private readonly FakeTimeProvider clock = new(T0);
    private DurableTaskTestHost host = null!;
    private ConversationUseCases useCases = null!;
    private CosmosConversationStore conversations = null!;
    private string inboxId = null!;

    private static readonly Caller Ann = new(Account, "ann", new HashSet<Role> { Role.Member });

    public async Task InitializeAsync()
    {
        host = await DurableTaskTestHost.StartAsync(DurableTasks.Register, new DurableTaskTestHostOptions
        {
            Port = LoopbackPorts.Free(),
            ConfigureServices = services => services.AddSingleton(containers).AddCosmosStoreAdapters()
                .AddSingleton<TimeProvider>(clock)
                .AddSingleton<IMailSender, OutboxMailSender>()
                // Slack takes every post.
                .AddSingleton(Mock.Of<ISlackNotifier>(n => n.Post(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()) == Task.FromResult(SlackPostResult.Sent)))
                .AddSingleton<ISecretStore, InMemorySecretStore>()
                .AddSingleton<ChannelResolver>()
                .AddSingleton(sp => ActivatorUtilities.CreateInstance<InboxUseCases>(sp))
                .AddSingleton(sp => ActivatorUtilities.CreateInstance<ConversationUseCases>(sp)),
        });
        useCases = host.Services.GetRequiredService<ConversationUseCases>();
        conversations = new CosmosConversationStore(containers);
        var directory = new CosmosDirectoryStore(containers);
        await directory.Save(new User("ann", Account, "Ann", "ann@acme.test", HasPaidSeat: true, IsSuperAdmin: false), default);
        await directory.Save(new User("bob", Account, "Bob", "bob@acme.test", HasPaidSeat: true, IsSuperAdmin: false), default);
        await directory.Save(new User("cy", Account, "Cy", "cy@acme.test", HasPaidSeat: false, IsSuperAdmin: false), default);
        await directory.Save(new Team("desk", Account, "Desk", ["ann", "bob", "cy"]), default);

        var admin = host.Services.GetRequiredService<InboxUseCases>();
        var adminCaller = new Caller(Account, "admin", new HashSet<Role> { Role.Member, Role.AccountAdmin });
        inboxId = (await admin.Create(adminCaller, new InboxSettings
        {
            Name = "Desk", Members = new InboxMembers { UserIds = ["ann", "bob", "cy"] },
        }, default)).Value!.Value.Id;
        var connected = await admin.ConnectChannel(adminCaller, inboxId, new EmailChannel
        {
            Provider = EmailProvider.Forwarding,
            Address = Address,
            FromName = new FromName { CompanyName = "Acme" },
            Routing = new Routing { Assignment = new Assignment { Mode = AssignmentMode.Specific, TeamIds = ["desk"] } },
        }, default);
        Assert.True(connected.IsSuccess, connected.Problem?.Detail);
        // An address routes only once proven.
        await ForwardingProof.Prove(admin, adminCaller, inboxId, connected.Value!.Value.Id, clock);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        containers.Dispose();
    }

    private Task<RoutingResult> Route(string from, string messageId, string? inReplyTo = null) =>
        RoutingStarter.Route(host.Client, new InboundEvent
        {
            Channel = ChannelKind.Email,
            Type = InboundEventType.Message,
            BindingKey = new ChannelBindingKey(ChannelKind.Email, Address).Value,
            ExternalId = messageId,
            Sender = new InboundSender(from, "Customer", from),
            Thread = new ThreadHints { InReplyTo = inReplyTo },
            Content = new InboundContent { Subject = "Help", Text = messageId },
            SentAt = clock.GetUtcNow(),
            ReceivedAt = clock.GetUtcNow(),
        }, CancellationToken.None);

    private async Task<Conversation> Stored(string conversationId) => (await conversations.Find(inboxId, conversationId, default))!.Value;

    [Fact]
    public async Task After_an_unassign_new_conversations_are_still_assigned()
    {
        var first = await Route("one@customer.test", "<one@customer.test>");
        var unassigned = await useCases.Assign(Ann, inboxId, first.ConversationId!, new AssigneeChange(null), null, default);
        clock.SetUtcNow(T0.AddMinutes(1));

        var second = await Route("two@customer.test", "<two@customer.test>");

        Assert.True(unassigned.IsSuccess, unassigned.Problem?.Detail);
        Assert.Equal(RoutingStatus.Routed, second.Status);
        Assert.Contains(second.AssigneeId, PaidCandidates);
        Assert.Equal(second.AssigneeId, (await Stored(second.ConversationId!)).AssigneeId);
    }

    [Fact]
    public async Task The_last_assigned_is_the_newest_conversation_that_still_has_its_assignee()
    {
        var first = await Route("one@customer.test", "<one@customer.test>");
        clock.SetUtcNow(T0.AddMinutes(1));
        var second = await Route("two@customer.test", "<two@customer.test>");
        await useCases.Assign(Ann, inboxId, second.ConversationId!, new AssigneeChange(null), null, default);

        var load = await conversations.AssignmentLoad(inboxId, default);

        Assert.Equal(first.AssigneeId, load.LastAssigned);
        Assert.Equal(new Dictionary<string, int> { [first.AssigneeId!] = 1 }, load.OpenConversations);
    }

    [Fact]
    public async Task A_member_without_a_paid_seat_can_be_assigned_by_hand_but_never_by_routing()
    {
        var routed = await Route("one@customer.test", "<one@customer.test>");
        var byHand = await useCases.Assign(Ann, inboxId, routed.ConversationId!, new AssigneeChange("cy"), null, default);
        var byCy = await useCases.Assign(new Caller(Account, "cy", new HashSet<Role> { Role.Member }), inboxId, routed.ConversationId!,
            new AssigneeChange("ann"), null, default);

        Assert.Contains(routed.AssigneeId, PaidCandidates);
        Assert.True(byHand.IsSuccess, byHand.Problem?.Detail);
        Assert.Equal("cy", byHand.Value!.Value.AssigneeId);
        Assert.True(byCy.IsSuccess, byCy.Problem?.Detail);
        Assert.Equal("ann", byCy.Value!.Value.AssigneeId);
    }

    [Fact]
    public async Task A_reopened_conversation_has_no_closing_time()
    {
        var routed = await Route("one@customer.test", "<one@customer.test>");
        clock.SetUtcNow(T0.AddMinutes(1));
        await useCases.Close(Ann, inboxId, routed.ConversationId!, null, default);

        var reopened = await useCases.Reopen(Ann, inboxId, routed.ConversationId!, null, default);

        Assert.Equal((ConversationStatus.Open, (DateTimeOffset?)null), (reopened.Value!.Value.Status, reopened.Value.Value.ClosedAt));
    }

    /// <summary>
    /// Random mixes of agents' actions and routing (seeded: a failing seed replays), each step checked against a model:
    /// status, assignee and closing time of every conversation, the open load per user, and that routing hands a new or
    /// unassigned conversation to the least loaded paid candidate.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Any_mix_of_assign_unassign_close_reopen_and_routing_keeps_the_rules(int seed)
    {
        var random = new Random(seed);
        var model = new List<Modelled>();
        for (var step = 0; step < 24; step++)
        {
            clock.SetUtcNow(T0.AddMinutes(step + 1));
            var action = model.Count == 0 ? 0 : random.Next(6);
            var target = model.Count == 0 ? null : model[random.Next(model.Count)];
            var trace = $"seed {seed}, step {step}, action {action}";
            switch (action)
            {
                case 0: // a new conversation
                {
                    var id = $"<c{step}@customer.test>";
                    var least = LeastLoaded(model);
                    var routed = await Route($"c{step}@customer.test", id);
                    Assert.True(routed.Status == RoutingStatus.Routed, trace);
                    Assert.True(least.Contains(routed.AssigneeId!), $"{trace}: {routed.AssigneeId} is not among the least loaded {string.Join(",", least)}");
                    model.Add(new Modelled(routed.ConversationId!, id) { AssigneeId = routed.AssigneeId });
                    break;
                }
                case 1: // a follow-up from the contact reopens and, when unassigned, assigns
                {
                    var least = LeastLoaded(model);
                    var routed = await Route($"reply{step}@customer.test", $"<r{step}@customer.test>", inReplyTo: target!.FirstMessageId);
                    Assert.Equal(target.Id, routed.ConversationId);
                    if (target.AssigneeId is null) Assert.True(least.Contains(routed.AssigneeId!), trace);
                    else Assert.Equal(target.AssigneeId, routed.AssigneeId);
                    (target.AssigneeId, target.Closed) = (routed.AssigneeId, false);
                    break;
                }
                case 2 or 3: // assign by hand to anyone of the inbox, paid seat or not, or unassign
                {
                    string?[] who = ["ann", "bob", "cy", null];
                    var assignee = who[random.Next(who.Length)];
                    var assigned = await useCases.Assign(Ann, inboxId, target!.Id, new AssigneeChange(assignee), null, default);
                    Assert.True(assigned.IsSuccess, $"{trace}: {assigned.Problem?.Detail}");
                    target.AssigneeId = assignee;
                    break;
                }
                case 4:
                    Assert.True((await useCases.Close(Ann, inboxId, target!.Id, null, default)).IsSuccess, trace);
                    target.Closed = true;
                    break;
                default:
                    Assert.True((await useCases.Reopen(Ann, inboxId, target!.Id, null, default)).IsSuccess, trace);
                    target.Closed = false;
                    break;
            }

            foreach (var expected in model)
            {
                var actual = await Stored(expected.Id);
                Assert.True(expected.AssigneeId == actual.AssigneeId, $"{trace}: {expected.Id} assigned to {actual.AssigneeId}, not {expected.AssigneeId}");
                Assert.True(expected.Closed == (actual.Status == ConversationStatus.Closed), $"{trace}: {expected.Id} is {actual.Status}");
                Assert.True(expected.Closed == actual.ClosedAt.HasValue, $"{trace}: {expected.Id} is {actual.Status} with closedAt {actual.ClosedAt}");
            }

            var load = await conversations.AssignmentLoad(inboxId, default);
            Assert.Equal(OpenLoad(model).Where(p => p.Value > 0).OrderBy(p => p.Key), load.OpenConversations.OrderBy(p => p.Key));
        }
    }

    private static Dictionary<string, int> OpenLoad(IEnumerable<Modelled> model) =>
        model.Where(c => !c.Closed && c.AssigneeId is not null).CountBy(c => c.AssigneeId!).ToDictionary();

    private static HashSet<string> LeastLoaded(IEnumerable<Modelled> model)
    {
        var load = OpenLoad(model);
        var fewest = PaidCandidates.Min(u => load.GetValueOrDefault(u));
        return [.. PaidCandidates.Where(u => load.GetValueOrDefault(u) == fewest)];
    }

    private sealed class Modelled(string id, string firstMessageId)
    {
        public string Id { get; } = id;
        public string FirstMessageId { get; } = firstMessageId;
        public string? AssigneeId { get; set; }
        public bool Closed { get; set; }
    }
}
