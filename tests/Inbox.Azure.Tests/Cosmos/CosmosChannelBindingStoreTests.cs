using InboxServerless.Azure.Cosmos;
using InboxServerless.Azure.Tests.Email;
using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Azure.Tests.Cosmos;

/// <summary>The connect and disconnect use cases over the real Cosmos adapters: uniqueness of external ids under races.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosChannelBindingStoreTests(CosmosFixture cosmos) : IDisposable
{
    private readonly CosmosContainers containers = cosmos.NewDatabase();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => containers.Dispose();

    private InboxUseCases Admin => new(new CosmosInboxStore(containers), Bindings, new CosmosDirectoryStore(containers), clock);
    private CosmosChannelBindingStore Bindings => new(containers);

    private static Caller AdminOf(string account) => new(account, "admin-" + account, new HashSet<Role> { Role.Member, Role.AccountAdmin });

    private static EmailChannel Email(string address) => new()
    {
        Provider = EmailProvider.Forwarding,
        Address = address,
        FromName = new FromName { CompanyName = "Acme" },
    };

    private static MessengerChannel Page(string pageId) => new() { PageId = pageId, PageName = "Acme" };

    private async Task<string> NewInbox(string account, string name) =>
        (await Admin.Create(AdminOf(account), new InboxSettings { Name = name }, default)).Value!.Value.Id;

    [Fact]
    public async Task Of_inboxes_racing_for_one_address_exactly_one_gets_it()
    {
        var inboxIds = new List<string>();
        for (var i = 0; i < 6; i++) inboxIds.Add(await NewInbox("acme", $"Inbox {i}"));

        var results = await Task.WhenAll(inboxIds.Select(id => Admin.ConnectChannel(AdminOf("acme"), id, Email("Help@Acme.test"), default)));

        var winner = Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ProblemKind.Conflict, r.Problem!.Kind));
        var binding = await Bindings.Find("email:help@acme.test", default);
        Assert.Equal(winner.Value!.Value.Id, binding!.Value.ChannelId);
        var holders = 0;
        foreach (var id in inboxIds)
            holders += (await Admin.Get(AdminOf("acme"), id, default)).Value!.Value.Channels.Count;
        Assert.Equal(1, holders);
    }

    [Fact]
    public async Task Of_two_accounts_racing_for_one_page_exactly_one_gets_it()
    {
        var acme = await NewInbox("acme", "Messenger");
        var globex = await NewInbox("globex", "Messenger");

        // Typing a page id proves nothing: both channels are made, pending, and neither routes.
        var channels = await Task.WhenAll(
            Admin.ConnectChannel(AdminOf("acme"), acme, Page("1234567890"), default),
            Admin.ConnectChannel(AdminOf("globex"), globex, Page("1234567890"), default));
        Assert.All(channels, c => Assert.Equal(OwnershipState.Pending, c.Value!.Value.Ownership?.State));

        // Both admins manage the page at Meta (the proof, faked here, succeeds for both): exactly one proven claim wins.
        var results = await Task.WhenAll(
            Admin.ProveChannel(AdminOf("acme"), acme, channels[0].Value!.Value.Id, _ => Task.FromResult<Outcome<bool>>(true), default),
            Admin.ProveChannel(AdminOf("globex"), globex, channels[1].Value!.Value.Id, _ => Task.FromResult<Outcome<bool>>(true), default));

        var winner = Assert.Single(results.Select((r, i) => (r, i)), x => x.r.IsSuccess).i;
        Assert.Single(results, r => r.Problem?.Kind == ProblemKind.Conflict);
        var binding = (await Bindings.Find("messenger:1234567890", default))!.Value;
        Assert.Equal(channels[winner].Value!.Value.Id, binding.ChannelId);
        var loser = winner == 0 ? ("globex", globex, channels[1]) : ("acme", acme, channels[0]);
        var lost = (await Admin.GetChannel(AdminOf(loser.Item1), loser.Item2, loser.Item3.Value!.Value.Id, default)).Value!.Value;
        Assert.Equal(OwnershipState.Pending, lost.Ownership?.State);
    }

    [Fact]
    public async Task An_address_connected_to_one_inbox_is_refused_to_another_even_in_other_case()
    {
        var first = await NewInbox("acme", "First");
        var second = await NewInbox("acme", "Second");
        var connected = await Admin.ConnectChannel(AdminOf("acme"), first, Email("sales@acme.test"), default);
        await ForwardingProof.Prove(Admin, AdminOf("acme"), first, connected.Value!.Value.Id, clock);

        clock.Advance(TimeSpan.FromDays(30)); // long past any claim lease: the first inbox, proven, still holds it
        var refused = await Admin.ConnectChannel(AdminOf("acme"), second, Email("SALES@acme.test"), default);

        Assert.Equal(ProblemKind.Conflict, refused.Problem?.Kind);
    }

    [Fact]
    public async Task An_address_nobody_proved_is_held_for_7_days_then_free_for_another_inbox()
    {
        var first = await NewInbox("acme", "Unproven");
        var second = await NewInbox("acme", "Next");
        Assert.True((await Admin.ConnectChannel(AdminOf("acme"), first, Email("late@acme.test"), default)).IsSuccess);

        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.Equal(ProblemKind.Conflict, (await Admin.ConnectChannel(AdminOf("acme"), second, Email("late@acme.test"), default)).Problem?.Kind);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await Admin.ConnectChannel(AdminOf("acme"), second, Email("late@acme.test"), default)).IsSuccess);
    }

    [Fact]
    public async Task Disconnecting_frees_the_address_for_another_inbox()
    {
        var first = await NewInbox("acme", "Old");
        var second = await NewInbox("acme", "New");
        var channel = (await Admin.ConnectChannel(AdminOf("acme"), first, Email("move@acme.test"), default)).Value!;

        Assert.True((await Admin.DisconnectChannel(AdminOf("acme"), first, channel.Value.Id, null, default)).IsSuccess);
        var moved = await Admin.ConnectChannel(AdminOf("acme"), second, Email("move@acme.test"), default);

        Assert.True(moved.IsSuccess);
        Assert.Empty((await Admin.Get(AdminOf("acme"), first, default)).Value!.Value.Channels);
    }

    [Fact]
    public async Task Deleting_an_inbox_frees_its_page()
    {
        var first = await NewInbox("acme", "Doomed");
        await Admin.ConnectChannel(AdminOf("acme"), first, Page("42"), default);
        Assert.True((await Admin.Delete(AdminOf("acme"), first, null, default)).IsSuccess);

        var second = await NewInbox("globex", "Heir");
        Assert.True((await Admin.ConnectChannel(AdminOf("globex"), second, Page("42"), default)).IsSuccess);
    }

    [Fact]
    public async Task A_claim_left_by_a_crash_is_held_during_its_lease_and_taken_over_after()
    {
        var inbox = await NewInbox("acme", "Heir");
        // A connect that claimed the key and died before recording the channel on its inbox.
        await Bindings.Claim(new ChannelBinding("form:contact-us", "acme", "crashed-inbox", "crashed-channel", clock.GetUtcNow()), default);
        var form = new FormChannel { FormId = "contact-us" };

        var during = await Admin.ConnectChannel(AdminOf("acme"), inbox, form, default);
        clock.Advance(BindingRules.ClaimLease);
        var after = await Admin.ConnectChannel(AdminOf("acme"), inbox, form, default);

        Assert.Equal(ProblemKind.Conflict, during.Problem?.Kind);
        Assert.True(after.IsSuccess);
        Assert.Equal(inbox, (await Bindings.Find("form:contact-us", default))!.Value.InboxId);
    }

    [Fact]
    public async Task A_concurrent_edit_of_the_inbox_does_not_lose_a_connected_channel()
    {
        var inbox = await NewInbox("acme", "Busy");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Admin.ConnectChannel(AdminOf("acme"), inbox, new FormChannel { FormId = $"form-{i}" }, default)));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.Equal(4, (await Admin.Get(AdminOf("acme"), inbox, default)).Value!.Value.Channels.Count);
    }

    [Fact]
    public async Task Addresses_that_cosmos_cannot_use_as_ids_still_bind()
    {
        var inbox = await NewInbox("acme", "Odd");

        var connected = await Admin.ConnectChannel(AdminOf("acme"), inbox, Email("odd/one?#x@acme.test"), default);

        Assert.True(connected.IsSuccess, connected.Problem?.Detail);
        Assert.NotNull(await Bindings.Find("email:odd/one?#x@acme.test", default));
    }
}
