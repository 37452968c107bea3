using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Conversations;

/// <summary>The agents' use cases over the Cosmos stores: listing with filters and pages, assigning, closing.</summary>
[Collection(CosmosCollection.Name)]
public sealed class ConversationUseCasesTests(CosmosFixture cosmos) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private readonly CosmosContainers containers = cosmos.NewDatabase();
    private readonly FakeTimeProvider clock = new(T0);
    private ConversationUseCases useCases = null!;
    private CosmosConversationStore conversations = null!;
    private string inboxId = null!;

    private static Caller As(string user, params Role[] roles) => new("acme", user, new HashSet<Role>([Role.Member, .. roles]));

    public async Task InitializeAsync()
    {
        var inboxes = new CosmosInboxStore(containers);
        var directory = new CosmosDirectoryStore(containers);
        conversations = new CosmosConversationStore(containers);
        useCases = new ConversationUseCases(inboxes, directory, conversations, new CosmosTicketStore(containers), clock);
        await directory.Save(new User("ann", "acme", "Ann", "ann@acme.test", true, false), default);
        await directory.Save(new User("bob", "acme", "Bob", "bob@acme.test", true, false), default);
        await directory.Save(new User("cy", "acme", "Cy", "cy@acme.test", false, false), default);
        await directory.Save(new User("eve", "acme", "Eve", "eve@acme.test", true, false), default);
        var inbox = Inbox.Create("inbox-1", "acme",
            new InboxSettings { Name = "Support", Members = new InboxMembers { UserIds = ["ann", "bob", "cy"] } }, T0);
        inboxId = (await inboxes.Create(inbox, default)).Value!.Value.Id;
        for (var i = 0; i < 5; i++)
        {
            await conversations.CreateOrGet(new Conversation
            {
                Id = $"c{i}", AccountId = "acme", InboxId = inboxId, ChannelId = "ch", ChannelKind = ChannelKind.Email,
                ThreadKey = $"t{i}", SenderId = $"s{i}@x.test", CreatedAt = T0, LastMessageAt = T0.AddMinutes(i),
                AssigneeId = i % 2 == 0 ? "ann" : null, AssignedAt = i % 2 == 0 ? T0 : null,
            }, default);
        }
    }

    public Task DisposeAsync()
    {
        containers.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Lists_newest_first_by_filter_and_page()
    {
        var all = new List<string>();
        string? token = null;
        do
        {
            var page = (await useCases.List(As("ann"), inboxId, new ConversationFilter(), 2, token, default)).Value!;
            all.AddRange(page.Items.Select(c => c.Value.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        var anns = (await useCases.List(As("ann"), inboxId, new ConversationFilter(AssigneeId: "ann"), 50, null, default)).Value!;

        Assert.Equal(["c4", "c3", "c2", "c1", "c0"], all);
        Assert.Equal(["c4", "c2", "c0"], anns.Items.Select(c => c.Value.Id));
    }

    [Fact]
    public async Task Assigns_only_to_members_of_the_inbox_with_or_without_a_paid_seat()
    {
        var assigned = await useCases.Assign(As("bob"), inboxId, "c1", new AssigneeChange("bob"), null, default);
        var unpaid = await useCases.Assign(As("bob"), inboxId, "c1", new AssigneeChange("cy"), null, default);
        var outsider = await useCases.Assign(As("bob"), inboxId, "c1", new AssigneeChange("eve"), null, default);
        var unassigned = await useCases.Assign(As("bob"), inboxId, "c0", new AssigneeChange(null), null, default);

        Assert.Equal("bob", assigned.Value!.Value.AssigneeId);
        Assert.Equal("cy", unpaid.Value!.Value.AssigneeId);
        Assert.Equal("assigneeId", Assert.Single(outsider.Problem!.Errors!).Field);
        Assert.Null(unassigned.Value!.Value.AssigneeId);
    }

    [Fact]
    public async Task Only_members_act_and_other_accounts_see_nothing()
    {
        var nonMemberAdmin = await useCases.Close(As("eve", Role.AccountAdmin), inboxId, "c1", null, default);
        var nonMemberAdminReads = await useCases.Get(As("eve", Role.AccountAdmin), inboxId, "c1", default);
        var stranger = await useCases.Get(new Caller("globex", "ann", new HashSet<Role> { Role.Member, Role.AccountAdmin }), inboxId, "c1", default);
        var nonMember = await useCases.List(As("eve"), inboxId, new ConversationFilter(), null, null, default);

        Assert.Equal(ProblemKind.Forbidden, nonMemberAdmin.Problem?.Kind);
        Assert.True(nonMemberAdminReads.IsSuccess);
        Assert.Equal(ProblemKind.NotFound, stranger.Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, nonMember.Problem?.Kind);
    }

    [Fact]
    public async Task Close_and_reopen_with_a_guarded_version()
    {
        var read = (await useCases.Get(As("ann"), inboxId, "c3", default)).Value!;
        clock.SetUtcNow(T0.AddHours(1));

        var closed = await useCases.Close(As("ann"), inboxId, "c3", read.ETag, default);
        var stale = await useCases.Reopen(As("ann"), inboxId, "c3", read.ETag, default);
        var reopened = await useCases.Reopen(As("ann"), inboxId, "c3", null, default);

        Assert.Equal((ConversationStatus.Closed, T0.AddHours(1)), (closed.Value!.Value.Status, closed.Value.Value.ClosedAt));
        Assert.Equal(ProblemKind.PreconditionFailed, stale.Problem?.Kind);
        Assert.Equal(ConversationStatus.Open, reopened.Value!.Value.Status);
        Assert.Single((await useCases.List(As("ann"), inboxId, new ConversationFilter(ConversationStatus.Open, "ann"), 50, null, default)).Value!.Items,
            c => c.Value.Id == "c4");
    }
}
