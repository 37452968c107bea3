using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Domain;

namespace InboxServerless.Azure.Tests.Cosmos;

[Collection(CosmosCollection.Name)]
public sealed class CosmosInboxStoreTests(CosmosFixture cosmos) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private readonly CosmosContainers containers = cosmos.NewDatabase();
    private CosmosInboxStore Store => new(containers);

    public void Dispose() => containers.Dispose();

    private static Inbox NewInbox(string name, string account = "acme") =>
        Inbox.Create(Guid.NewGuid().ToString("N"), account, new InboxSettings { Name = name, TimeZone = "Europe/Paris" }, Now);

    [Fact]
    public async Task An_inbox_with_its_channels_reads_back_as_written()
    {
        var email = new EmailChannel
        {
            Provider = EmailProvider.Gmail,
            Address = "help@acme.test",
            FromName = new FromName { Format = FromNameFormat.AgentAndCompany, CompanyName = "Acme" },
            Signature = "<p>{{firstName}}</p>",
            Routing = new Routing { Tickets = new TicketDefaults { Pipeline = "support", Status = "new" } },
        };
        var chat = new ChatChannel
        {
            WelcomeMessage = "Hi!",
            Availability = new ChatAvailability
            {
                Mode = AvailabilityMode.OfficeHours,
                OfficeHours = [new OpeningHours(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 30))],
                AwayMessage = "Back soon",
            },
        };
        var inbox = NewInbox("Support").WithChannel(new Channel("c1", email, Now), Now).WithChannel(new Channel("c2", chat, Now), Now);

        var created = await Store.Create(inbox, default);
        var read = await Store.Find("acme", inbox.Id, default);

        Assert.True(created.IsSuccess);
        Assert.NotNull(read);
        Assert.Equal(created.Value!.ETag, read.ETag);
        Assert.Equal(Json(inbox), Json(read.Value));
    }

    [Fact]
    public async Task A_missing_inbox_is_not_found()
    {
        Assert.Null(await Store.Find("acme", "nope", default));
        Assert.Null(await Store.Find("other-account", "nope", default));
    }

    [Fact]
    public async Task Names_are_unique_within_an_account_whatever_the_case_but_not_across_accounts()
    {
        Assert.True((await Store.Create(NewInbox("Sales"), default)).IsSuccess);

        var again = await Store.Create(NewInbox(" sales "), default);
        var elsewhere = await Store.Create(NewInbox("Sales", account: "globex"), default);

        Assert.Equal(ProblemKind.Conflict, again.Problem?.Kind);
        Assert.True(elsewhere.IsSuccess);
    }

    [Fact]
    public async Task A_rename_onto_an_existing_name_is_a_conflict()
    {
        await Store.Create(NewInbox("Billing"), default);
        var other = (await Store.Create(NewInbox("Returns"), default)).Value!;

        var renamed = await Store.Replace(other.Value with { Name = "BILLING" }, other.ETag, default);

        Assert.Equal(ProblemKind.Conflict, renamed.Problem?.Kind);
    }

    [Fact]
    public async Task Of_two_concurrent_updates_with_one_etag_exactly_one_wins()
    {
        var created = (await Store.Create(NewInbox("Race"), default)).Value!;

        var results = await Task.WhenAll(
            Store.Replace(created.Value with { TimeZone = "Asia/Tokyo" }, created.ETag, default),
            Store.Replace(created.Value with { TimeZone = "America/Lima" }, created.ETag, default));

        Assert.Single(results, r => r.IsSuccess);
        Assert.Single(results, r => r.Problem?.Kind == ProblemKind.PreconditionFailed);
        var winner = results.Single(r => r.IsSuccess).Value!.Value.TimeZone;
        Assert.Equal(winner, (await Store.Find("acme", created.Value.Id, default))!.Value.TimeZone);
    }

    [Fact]
    public async Task Delete_honours_if_match_and_reports_absence()
    {
        var created = (await Store.Create(NewInbox("Temp"), default)).Value!;
        var changed = (await Store.Replace(created.Value with { TimeZone = "UTC" }, created.ETag, default)).Value!;

        Assert.Equal(ProblemKind.PreconditionFailed, (await Store.Delete("acme", created.Value.Id, created.ETag, default)).Problem?.Kind);
        Assert.True((await Store.Delete("acme", created.Value.Id, changed.ETag, default)).Value);
        Assert.False((await Store.Delete("acme", created.Value.Id, null, default)).Value);
    }

    [Fact]
    public async Task Listing_pages_through_an_account_in_name_order_and_sees_no_other_account()
    {
        foreach (var name in new[] { "delta", "alpha", "echo", "charlie", "bravo" })
            await Store.Create(NewInbox(name, account: "paged"), default);
        await Store.Create(NewInbox("zulu", account: "someone-else"), default);

        List<string> names = [];
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.List("paged", 2, token, default);
            names.AddRange(page.Items.Select(i => i.Value.Name));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(["alpha", "bravo", "charlie", "delta", "echo"], names);
        Assert.True(pages >= 3);
    }

    /// <summary>Records holding lists compare those by reference; compare what was stored by its JSON instead.</summary>
    private static string Json(Inbox inbox) => System.Text.Json.JsonSerializer.Serialize(inbox, Core.Json.InboxJson.Api);
}
