using InboxServerless.Azure.Cosmos;
using InboxServerless.Azure.Email.Acs;
using InboxServerless.Azure.Notifications;
using InboxServerless.Azure.Tests.Email.Acs;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Functions;
using InboxServerless.Functions.Timers;
using PartitionKey = Microsoft.Azure.Cosmos.PartitionKey;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace InboxServerless.Azure.Tests.Messenger;

/// <summary>
/// The 7-day window timer over the Cosmos emulator: Messenger conversations of two inboxes (two partitions) with their last
/// incoming messages around the edges; runs at times around them warn the assignee (or the inbox's fallback address) once,
/// mark closed windows once, and do nothing the second time.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class MessengerWindowWatchTests(CosmosFixture cosmos) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private const string Account = "acme";

    private readonly CosmosContainers containers = cosmos.NewDatabase();
    private readonly FakeTimeProvider clock = new(T0);
    private readonly OutboxMailSender outbox = new();
    private CosmosConversationStore conversations = null!;
    private CosmosInboxStore inboxes = null!;
    private CosmosDirectoryStore directory = null!;

    public async Task InitializeAsync()
    {
        conversations = new CosmosConversationStore(containers);
        inboxes = new CosmosInboxStore(containers);
        directory = new CosmosDirectoryStore(containers);
        await directory.Save(new User("ann", Account, "Ann Lee", "ann@acme.test", true, false), default);
        await inboxes.Create(Inbox.Create("inbox-1", Account, new InboxSettings
        {
            Name = "Support", Notifications = new InboxNotificationSettings { FallbackEmail = "support-leads@acme.test" },
        }, T0), default);
        await inboxes.Create(Inbox.Create("inbox-2", Account, new InboxSettings
        {
            Name = "Sales", Notifications = new InboxNotificationSettings { FallbackEmail = "sales-leads@acme.test" },
        }, T0), default);
    }

    public Task DisposeAsync()
    {
        containers.Dispose();
        return Task.CompletedTask;
    }

    private MessengerWindowWatch Watch(IMailSender? mail = null, IConversationStore? store = null) =>
        new(store ?? conversations, inboxes, directory, mail ?? outbox, clock);

    private async Task<Conversation> Seed(string id, DateTimeOffset? lastIncoming, string inboxId = "inbox-1", string? assignee = "ann",
        ChannelKind kind = ChannelKind.Messenger, ConversationStatus status = ConversationStatus.Open)
    {
        var conversation = new Conversation
        {
            Id = id, AccountId = Account, InboxId = inboxId, ChannelId = "page", ChannelKind = kind, ThreadKey = id, SenderId = "psid-" + id,
            CreatedAt = T0 - TimeSpan.FromDays(40), LastMessageAt = lastIncoming ?? T0 - TimeSpan.FromDays(40), LastIncomingAt = lastIncoming,
            AssigneeId = assignee, AssignedAt = assignee is null ? null : T0 - TimeSpan.FromDays(40), Status = status,
        };
        return (await conversations.CreateOrGet(conversation, default)).Value;
    }

    private async Task<Conversation> Get(string id, string inboxId = "inbox-1") => (await conversations.Find(inboxId, id, default))!.Value;

    /// <summary>A new message from the person, as routing records it: only <c>LastIncomingAt</c> and <c>LastMessageAt</c> move.</summary>
    private async Task Writes(string id, DateTimeOffset at, string inboxId = "inbox-1")
    {
        var found = (await conversations.Find(inboxId, id, default))!;
        Assert.True((await conversations.Replace(found.Value with { LastIncomingAt = at, LastMessageAt = at }, found.ETag, default)).IsSuccess);
    }

    [Fact]
    public async Task Warns_of_windows_closing_within_a_day_and_marks_closed_ones_once()
    {
        await Seed("soon", T0 - Week + 23 * Hour);                                       // closes in 23 h: warn Ann
        await Seed("soon-unassigned", T0 - Week + 12 * Hour, "inbox-2", assignee: null); // closes in 12 h: warn Sales' fallback
        await Seed("a-day-ahead", T0 - Week + 24 * Hour);                                // closes in exactly 24 h: not yet
        await Seed("later", T0 - TimeSpan.FromDays(3));
        await Seed("closed-an-hour-ago", T0 - Week - Hour);
        await Seed("closes-now", T0 - Week, "inbox-2");
        await Seed("done", T0 - Week + 2 * Hour, status: ConversationStatus.Closed);     // closed by an agent: marked later, not warned
        await Seed("email", T0 - Week + Hour, kind: ChannelKind.Email);
        await Seed("never-wrote", null);

        var first = await Watch().Run(T0, default);
        var mails = outbox.Sent;
        var second = await Watch().Run(T0, default);

        Assert.Equal(new WindowWatchResult(Warned: 2, Closed: 2, Skipped: 0, Failed: 0), first);
        Assert.Equal(new WindowWatchResult(0, 0, 0, 0), second);
        Assert.Equal(mails, outbox.Sent);
        Assert.Equal(["ann@acme.test", "sales-leads@acme.test"], mails.Select(m => m.To).Order());
        var toAnn = mails.Single(m => m.To == "ann@acme.test");
        Assert.Contains("Hi Ann", toAnn.PlainText);
        Assert.Contains("2026-11-26 08:00 UTC", toAnn.Subject);
        Assert.Contains("Support", toAnn.Subject);
        Assert.Contains("Nobody is assigned", mails.Single(m => m.To == "sales-leads@acme.test").PlainText);

        Assert.Equal(T0 + 23 * Hour, (await Get("soon")).WindowWarnedFor);
        Assert.Equal(T0 + 12 * Hour, (await Get("soon-unassigned", "inbox-2")).WindowWarnedFor);
        Assert.Equal(T0 - Hour, (await Get("closed-an-hour-ago")).WindowClosedAt);
        Assert.Null((await Get("closed-an-hour-ago")).WindowWarnedFor); // closed before any run could warn: only marked
        Assert.Equal(T0, (await Get("closes-now", "inbox-2")).WindowClosedAt);
        foreach (var untouched in new[] { "a-day-ahead", "later", "done", "email", "never-wrote" })
        {
            var c = await Get(untouched);
            Assert.True(c.WindowWarnedFor is null && c.WindowClosedAt is null, untouched);
        }

        // Two hours later the exact-24-hour one is inside the day; the agent-closed one is marked when its window ends.
        clock.SetUtcNow(T0 + 2 * Hour);
        var later = await Watch().Run(default);

        Assert.Equal(new WindowWatchResult(Warned: 1, Closed: 1, Skipped: 0, Failed: 0), later);
        Assert.Equal(T0 + 24 * Hour, (await Get("a-day-ahead")).WindowWarnedFor);
        Assert.Equal(T0 + 2 * Hour, (await Get("done")).WindowClosedAt);
        Assert.Null((await Get("done")).WindowWarnedFor);
        Assert.Equal(3, outbox.Sent.Count);
    }

    [Fact]
    public async Task A_conversation_that_got_a_new_message_after_the_warning_is_not_closed_and_its_new_window_is_watched()
    {
        await Seed("c", T0 - Week + 20 * Hour);
        Assert.Equal(1, (await Watch().Run(T0, default)).Warned);

        await Writes("c", T0 + 3 * Hour);
        var atOldEnd = await Watch().Run(T0 + 20 * Hour, default);
        var lateRun = await Watch().Run(T0 + 2 * TimeSpan.FromHours(24), default);
        var nearNewEnd = await Watch().Run(T0 + 3 * Hour + Week - 5 * Hour, default);
        var atNewEnd = await Watch().Run(T0 + 3 * Hour + Week, default);
        var again = await Watch().Run(T0 + 3 * Hour + Week + Hour, default);

        Assert.Equal(new WindowWatchResult(0, 0, 0, 0), atOldEnd);
        Assert.Equal(new WindowWatchResult(0, 0, 0, 0), lateRun);
        Assert.Equal(new WindowWatchResult(1, 0, 0, 0), nearNewEnd);
        Assert.Equal(new WindowWatchResult(0, 1, 0, 0), atNewEnd);
        Assert.Equal(new WindowWatchResult(0, 0, 0, 0), again);
        var c = await Get("c");
        Assert.Equal((T0 + 3 * Hour + Week, T0 + 3 * Hour + Week), (c.WindowWarnedFor, c.WindowClosedAt));
        Assert.Equal(2, outbox.Sent.Count);
    }

    [Fact]
    public async Task A_late_run_marks_what_closed_meanwhile_and_warns_nothing_after_the_end()
    {
        await Seed("closed-two-days-ago", T0 - Week - TimeSpan.FromDays(2));
        await Seed("closed-long-ago", T0 - Week - TimeSpan.FromDays(30)); // beyond the look-back: a run this late leaves it

        var late = await Watch().Run(T0, default);

        Assert.Equal(new WindowWatchResult(0, 1, 0, 0), late);
        Assert.Equal(T0 - TimeSpan.FromDays(2), (await Get("closed-two-days-ago")).WindowClosedAt);
        Assert.Null((await Get("closed-long-ago")).WindowClosedAt);
        Assert.Empty(outbox.Sent);
    }

    [Fact]
    public async Task A_conversation_changed_meanwhile_is_skipped_and_done_by_the_next_run()
    {
        await Seed("raced", T0 - Week + 10 * Hour);
        var racing = new ChangingStore(conversations);

        var first = await Watch(store: racing).Run(T0, default);
        var next = await Watch().Run(T0 + TimeSpan.FromMinutes(15), default);

        Assert.Equal(new WindowWatchResult(0, 0, 1, 0), first);
        Assert.Equal(new WindowWatchResult(1, 0, 0, 0), next);
        Assert.Equal("Assigned meanwhile", (await Get("raced")).Subject);
        Assert.Single(outbox.Sent);
    }

    [Fact]
    public async Task A_warning_whose_mail_fails_is_taken_back_and_sent_by_the_next_run()
    {
        await Seed("c", T0 - Week + 10 * Hour);

        var mail = new Mock<IMailSender>();
        mail.Setup(m => m.Send(It.IsAny<OutgoingMail>(), It.IsAny<CancellationToken>())).ThrowsAsync(new HttpRequestException("The mail service is unavailable."));

        var failed = await Watch(mail.Object).Run(T0, default);
        Assert.Null((await Get("c")).WindowWarnedFor);
        var next = await Watch().Run(T0 + TimeSpan.FromMinutes(15), default);

        Assert.Equal(new WindowWatchResult(0, 0, 0, 1), failed);
        Assert.Equal(new WindowWatchResult(1, 0, 0, 0), next);
        Assert.Equal(T0 + 10 * Hour, (await Get("c")).WindowWarnedFor);
        Assert.Single(outbox.Sent);
    }

    [Fact]
    public async Task The_window_end_is_a_top_level_field_kept_until_the_window_is_marked_closed()
    {
        await Seed("m", T0 - Week - Hour);
        await Seed("e", T0 - Week - Hour, kind: ChannelKind.Email);
        var container = await containers.Get(CosmosContainers.Conversations);

        async Task<long?> Indexed(string id) =>
            (await container.ReadItemAsync<TopLevel>(id, new PartitionKey("inbox-1"))).Resource.WindowClosesAtMs;

        Assert.Equal((T0 - Hour).ToUnixTimeMilliseconds(), await Indexed("m"));
        Assert.Null(await Indexed("e"));
        await Watch().Run(T0, default);
        Assert.Null(await Indexed("m")); // marked: out of the index, so later runs do not read it again
        await Writes("m", T0);
        Assert.Equal((T0 + Week).ToUnixTimeMilliseconds(), await Indexed("m"));
    }

    [Fact]
    public async Task The_query_finds_the_conversations_in_range_across_partitions()
    {
        await Seed("in-1", T0 - Week + Hour);
        await Seed("in-2", T0 - Week - Hour, "inbox-2");
        await Seed("out-future", T0 - Week + 25 * Hour);
        await Seed("out-past", T0 - Week - TimeSpan.FromDays(8));
        await Seed("out-email", T0 - Week + Hour, kind: ChannelKind.Email);

        var found = await conversations.WindowsClosingBetween(T0 - Week, T0 + TimeSpan.FromHours(24), default);

        Assert.Equal(["in-1", "in-2"], found.Select(c => c.Value.Id).Order());
        Assert.All(found, c => Assert.False(string.IsNullOrEmpty(c.ETag)));
    }

    [Fact]
    public async Task Every_page_is_read()
    {
        var ids = Enumerable.Range(0, 450).Select(i => $"p{i:000}").ToList();
        foreach (var chunk in ids.Chunk(25))
            await Task.WhenAll(chunk.Select((id, i) => Seed(id, T0 - Week + TimeSpan.FromMinutes(i), $"inbox-{id[^1] % 3}")));

        var found = await conversations.WindowsClosingBetween(T0 - Hour, T0 + Hour, default);

        Assert.Equal(ids, found.Select(c => c.Value.Id).Order());
    }

    [Fact]
    public async Task Bounds_are_inclusive_below_and_exclusive_above_to_the_millisecond()
    {
        await Seed("at-from", T0 - Week);
        await Seed("at-to", T0 + Hour - Week);
        await Seed("just-under-to", T0 + Hour - Week - TimeSpan.FromMilliseconds(1));

        var found = await conversations.WindowsClosingBetween(T0, T0 + Hour, default);

        Assert.Equal(["at-from", "just-under-to"], found.Select(c => c.Value.Id).Order());
    }

    /// <summary>The composition as the function app has it with an ACS resource: the warning reaches ACS (its fake) through AcsMailSender.</summary>
    [Fact]
    public async Task The_timer_function_runs_the_watch_from_the_composition_and_the_warning_reaches_acs()
    {
        var acs = new FakeAcs(clock) { Statuses = ["Succeeded"] };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cosmos:ConnectionString"] = cosmos.Emulator.ConnectionString,
            ["Cosmos:Database"] = "test-" + Guid.NewGuid().ToString("N")[..12],
            ["Cosmos:UseGateway"] = "true",
            ["Cosmos:AcceptAnyServerCertificate"] = "true",
            ["Email:Acs:ConnectionString"] = acs.ConnectionString,
            ["Email:Acs:SenderAddress"] = "DoNotReply@0a1b2c3d.azurecomm.net",
        }).Build();
        // The ACS client over the fake's transport; the rest of Email:Acs (the IMailSender choice) is the composition's.
        var services = new ServiceCollection().AddLogging()
            .AddSingleton(sp => new AcsEmailClient(sp.GetRequiredService<AcsEmailOptions>(), clock, transport: acs.Transport))
            .AddInbox(configuration);
        services.AddSingleton<TimeProvider>(clock);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IConversationStore>();
        await provider.GetRequiredService<IInboxStore>().Create(Inbox.Create("inbox-1", Account, new InboxSettings
        {
            Name = "Support", Notifications = new InboxNotificationSettings { FallbackEmail = "leads@acme.test" },
        }, T0), default);
        await store.CreateOrGet(new Conversation
        {
            Id = "c", AccountId = Account, InboxId = "inbox-1", ChannelId = "page", ChannelKind = ChannelKind.Messenger, ThreadKey = "c",
            SenderId = "psid", CreatedAt = T0 - Week, LastMessageAt = T0 - Week + Hour, LastIncomingAt = T0 - Week + Hour,
        }, default);

        var function = ActivatorUtilities.CreateInstance<MessengerWindowFunctions>(provider);
        await function.Run(new TimerInfo(), default);
        await function.Run(new TimerInfo { IsPastDue = true }, default);

        Assert.Equal(T0 + Hour, (await store.Find("inbox-1", "c", default))!.Value.WindowWarnedFor);
        Assert.IsType<AcsMailSender>(provider.GetRequiredService<IMailSender>());
        var warning = Assert.Single(acs.Emails);
        Assert.Equal("leads@acme.test", warning["recipients"]!["to"]![0]!["address"]!.GetValue<string>());
        Assert.Equal("DoNotReply@0a1b2c3d.azurecomm.net", warning["senderAddress"]!.GetValue<string>());
    }

    private sealed record TopLevel(long? WindowClosesAtMs);

    /// <summary>Someone else changes each conversation right after the watch read it: its write meets a stale ETag.</summary>
    private sealed class ChangingStore(CosmosConversationStore inner) : IConversationStore
    {
        public async Task<IReadOnlyList<Versioned<Conversation>>> WindowsClosingBetween(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            var found = await inner.WindowsClosingBetween(from, to, ct);
            foreach (var c in found) await inner.Replace(c.Value with { Subject = "Assigned meanwhile" }, c.ETag, ct);
            return found;
        }

        public Task<Versioned<Conversation>?> Find(string inboxId, string conversationId, CancellationToken ct) => inner.Find(inboxId, conversationId, ct);
        public Task<Versioned<Conversation>> CreateOrGet(Conversation conversation, CancellationToken ct) => inner.CreateOrGet(conversation, ct);
        public Task<Outcome<Versioned<Conversation>>> Replace(Conversation conversation, string ifMatch, CancellationToken ct) =>
            inner.Replace(conversation, ifMatch, ct);
        public Task<bool> AddMessage(Message message, CancellationToken ct) => inner.AddMessage(message, ct);
        public Task SaveMessage(Message message, CancellationToken ct) => inner.SaveMessage(message, ct);
        public Task<Message?> FindMessage(string inboxId, string messageId, CancellationToken ct) => inner.FindMessage(inboxId, messageId, ct);
        public Task<IReadOnlyList<Message>> Messages(string inboxId, string conversationId, CancellationToken ct) =>
            inner.Messages(inboxId, conversationId, ct);
        public Task<Page<Versioned<Conversation>>> List(string inboxId, ConversationFilter filter, int pageSize, string? continuationToken,
            CancellationToken ct) => inner.List(inboxId, filter, pageSize, continuationToken, ct);
        public Task<AssignmentLoad> AssignmentLoad(string inboxId, CancellationToken ct) => inner.AssignmentLoad(inboxId, ct);
    }
}
