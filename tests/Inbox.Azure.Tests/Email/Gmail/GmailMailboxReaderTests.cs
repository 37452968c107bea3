using InboxServerless.Azure.Email;
using InboxServerless.Azure.Email.Gmail;
using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Local.Google;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace InboxServerless.Azure.Tests.Email.Gmail;

/// <summary>
/// A Gmail mailbox connected to the fake Google over real HTTP (its history pages hold two records), read and renewed as
/// the consumer and the timer do; the watch store in memory, the one fake clock.
/// </summary>
public sealed class GmailMailboxReaderTests : IAsyncLifetime
{
    private const string Address = "support@contoso.com";
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider clock = new(Now);
    private readonly InMemoryGmailWatchStore watches = new();
    private readonly InMemorySecretStore secrets = new();
    private readonly Mailbox mailbox = new("acc-1", "in-1", new Channel("ch-1",
        new EmailChannel { Provider = EmailProvider.Gmail, Address = Address, FromName = new() { CompanyName = "Contoso" } }, Now, ChannelOwnership.Proven(Now)));
    private readonly HttpClient http = new();
    private FakeGoogle google = null!;
    private GmailOptions options = null!;
    private GmailApi api = null!;
    private GmailAccessTokens tokens = null!;

    public async Task InitializeAsync()
    {
        google = await FakeGoogle.Start(clock);
        options = Options(google);
        api = new GmailApi(http, options);
        tokens = new GmailAccessTokens(api, secrets, clock);
        // Connected as the consent does it: the code exchanged, the refresh token kept, the inbox watched.
        var granted = await api.ExchangeCode(google.IssueCode(Address), CancellationToken.None);
        await tokens.Keep("acc-1", "ch-1", granted, CancellationToken.None);
        var watch = await api.Watch(granted.AccessToken, CancellationToken.None);
        await watches.Save(new GmailWatch("acc-1", "in-1", "ch-1", Address, watch.HistoryId, watch.ExpiresAt, Now), null, CancellationToken.None);
    }

    public static GmailOptions Options(FakeGoogle google) => new()
    {
        ClientId = FakeGoogle.ClientId, ClientSecret = "secret", RedirectUri = "https://inbox.example/api/gmail/callback", TopicName = FakeGoogle.TopicName,
        ApiBaseUrl = google.BaseAddress.ToString(), TokenUrl = google.TokenUrl.ToString(), ConsentUrl = google.ConsentUrl.ToString(), ResyncDays = 7,
    };

    private GmailMailboxReader Reader() => new(api, tokens, watches, new EmailIntake(Mock.Of<IAttachmentStore>(), Mock.Of<IDirectoryStore>()), options, clock, NullLogger<GmailMailboxReader>.Instance);

    private static readonly MailboxChange Change = new(EmailProvider.Gmail, MailboxChangeKind.NewMail, "acc-1", "in-1", "ch-1", "1");

    private Task<MailboxRead> Read() => Reader().Read(mailbox, Change, CancellationToken.None);

    private Task<(FakeGmailMessage Message, int PushStatus)> Deliver(int n, string? threadId = null, IReadOnlyList<string>? labels = null) =>
        google.Deliver(Address, $"From: jane@customer.example\r\nSubject: Mail {n}\r\nMessage-ID: <m{n}@customer.example>\r\n\r\nBody {n}\r\n", threadId, labels);

    [Fact]
    public async Task A_read_follows_every_history_page_skips_what_the_mailbox_sent_and_keeps_its_place_only_on_commit()
    {
        var first = (await Deliver(1)).Message;
        await Deliver(2, threadId: first.ThreadId);
        await Deliver(3, labels: ["SENT"]);
        await Deliver(4);
        var last = (await Deliver(5)).Message;

        var read = await Read();
        Assert.Equal(["<m1@customer.example>", "<m2@customer.example>", "<m4@customer.example>", "<m5@customer.example>"], read.Messages.Select(m => m.ExternalId));
        Assert.Equal(first.ThreadId, read.Messages[1].Thread.ConversationId);
        Assert.Equal("email:support@contoso.com", read.Messages[0].BindingKey);
        Assert.Equal(last.HistoryId.ToString(System.Globalization.CultureInfo.InvariantCulture), read.Checkpoint);
        Assert.Equal(3, google.Requests.Count(r => r.StartsWith("GET /gmail/v1/users/me/history", StringComparison.Ordinal)));

        // Not committed: the same read again, the same messages (which routing stores once).
        Assert.Equal(read.Messages.Select(m => m.ExternalId), (await Read()).Messages.Select(m => m.ExternalId));
        await Reader().Commit(mailbox, read.Checkpoint!, CancellationToken.None);
        Assert.Empty((await Read()).Messages);

        // A commit never goes back (a late read of an older change).
        await Reader().Commit(mailbox, "1001", CancellationToken.None);
        Assert.Equal(read.Checkpoint, (await watches.Find("acc-1", "ch-1", CancellationToken.None))!.Value.HistoryId);
    }

    [Fact]
    public async Task A_history_id_Gmail_no_longer_has_resyncs_the_inbox_oldest_first_then_starts_from_the_profile()
    {
        await Deliver(1);
        await Deliver(2, labels: ["SENT"]);
        await Deliver(3);
        google.ForgetHistory(Address);
        var last = (await Deliver(4)).Message;

        var read = await Read();
        Assert.Equal(["<m1@customer.example>", "<m3@customer.example>", "<m4@customer.example>"], read.Messages.Select(m => m.ExternalId));
        Assert.Contains(google.Requests, r => r.Contains("q=newer_than%3A7d%20in%3Ainbox", StringComparison.Ordinal));
        Assert.Equal(last.HistoryId.ToString(System.Globalization.CultureInfo.InvariantCulture), read.Checkpoint);

        await Reader().Commit(mailbox, read.Checkpoint!, CancellationToken.None);
        Assert.Empty((await Read()).Messages);
    }

    [Fact]
    public async Task The_access_token_is_kept_until_near_its_expiry_and_a_disconnected_mailbox_reads_nothing()
    {
        var exchanged = google.Requests.Count(r => r == "POST /token"); // the consent's code
        await Read();
        await Read();
        Assert.Equal(exchanged, google.Requests.Count(r => r == "POST /token"));
        clock.Advance(TimeSpan.FromMinutes(56)); // Google's hour, less the margin
        await Read();
        await Read();
        Assert.Equal(exchanged + 1, google.Requests.Count(r => r == "POST /token"));

        var requests = google.Requests.Count;
        await watches.Delete("acc-1", "ch-1", CancellationToken.None);
        Assert.Same(MailboxRead.Nothing, await Read());
        Assert.Equal(requests, google.Requests.Count);
    }

    [Fact]
    public async Task An_access_token_Google_no_longer_takes_fails_the_read_once_and_the_next_gets_a_new_one()
    {
        await Deliver(1);
        google.ExpireAccessTokens();
        var error = await Assert.ThrowsAsync<GmailApiException>(Read);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal(["<m1@customer.example>"], (await Read()).Messages.Select(m => m.ExternalId));
    }

    [Fact]
    public async Task A_revoked_grant_throws_so_the_queue_delivers_the_change_again()
    {
        google.Revoke(Address);
        clock.Advance(TimeSpan.FromHours(2));
        var error = await Assert.ThrowsAsync<GmailApiException>(Read);
        Assert.True(error.IsGrantRevoked);
    }

    [Fact]
    public async Task The_renewal_watches_again_once_a_day_and_a_second_run_does_nothing()
    {
        var queued = new List<InboundEvent>();
        var queue = new Moq.Mock<IInboundQueue>();
        queue.Setup(q => q.Enqueue(Moq.It.IsAny<IReadOnlyList<InboundEvent>>(), Moq.It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<InboundEvent>, CancellationToken>((events, _) => queued.AddRange(events)).Returns(Task.CompletedTask);
        var renewal = new GmailWatchRenewal(api, tokens, watches, queue.Object, clock, NullLogger<GmailWatchRenewal>.Instance);
        Assert.Equal(new GmailRenewalResult(0, 1, 0), await renewal.Run(CancellationToken.None)); // connected just now

        clock.Advance(TimeSpan.FromHours(30)); // a run that came late
        Assert.Equal(new GmailRenewalResult(1, 0, 0), await renewal.Run(CancellationToken.None));
        Assert.Equal(new GmailRenewalResult(0, 1, 0), await renewal.Run(CancellationToken.None)); // and twice
        Assert.Equal(2, google.WatchOf(Address).Watches);
        // And the day's catch-up, for mail whose push was lost.
        var catchUp = Assert.Single(queued);
        Assert.Equal(new MailboxChange(EmailProvider.Gmail, MailboxChangeKind.CatchUp, "acc-1", "in-1", "ch-1"), catchUp.Mailbox);
        Assert.Equal("gmail-catch-up:ch-1:2026-12-04", catchUp.ExternalId);
        Assert.Equal("email:support@contoso.com", catchUp.BindingKey);
        var watch = (await watches.Find("acc-1", "ch-1", CancellationToken.None))!.Value;
        Assert.Equal(clock.GetUtcNow().AddDays(7).ToUnixTimeMilliseconds(), watch.ExpiresAt.ToUnixTimeMilliseconds());

        google.Revoke(Address);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new GmailRenewalResult(0, 0, 1), await renewal.Run(CancellationToken.None));
    }

    [Fact]
    public async Task Disconnecting_stops_the_watch_and_deletes_the_token_and_the_watch_but_stops_nothing_held_elsewhere()
    {
        var connector = new GmailChannelConnector(api, tokens, secrets, watches);
        Assert.Null(await connector.Disconnect("acc-1", "in-1", mailbox.Channel, heldElsewhere: true, CancellationToken.None));
        Assert.Equal(0, google.WatchOf(Address).Stops);
        Assert.Null(await secrets.Get(SecretNames.GmailRefreshToken("acc-1", "ch-1"), CancellationToken.None));
        Assert.Null(await watches.Find("acc-1", "ch-1", CancellationToken.None));

        await google.DisposeAsync();
        await InitializeAsync(); // connected again, at a new fake
        connector = new GmailChannelConnector(api, tokens, secrets, watches);
        Assert.Null(await connector.Disconnect("acc-1", "in-1", mailbox.Channel, heldElsewhere: false, CancellationToken.None));
        Assert.Equal(1, google.WatchOf(Address).Stops);
    }

    public async Task DisposeAsync()
    {
        await google.DisposeAsync();
        http.Dispose();
    }
}
