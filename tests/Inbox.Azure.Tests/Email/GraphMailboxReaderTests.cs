using System.Net;
using System.Text;
using InboxServerless.Azure.Email;
using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Local;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>
/// The Graph mailbox reader and the subscriptions' upkeep through the Microsoft Graph SDK, against the fake Graph over
/// real HTTP: Graph's JSON, its paging, its 404 and 410 answers.
/// </summary>
public sealed class GraphMailboxReaderTests : IAsyncLifetime
{
    private const string Address = "support@contoso.test";
    private const string Account = "acc-1";
    private const string InboxId = "inbox-1";
    private const string ChannelId = "ch-o365";

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMailboxSubscriptions store = new();
    private readonly InMemorySecretStore secrets = new();
    private readonly FixedGraphCredentials credentials = new();
    private FakeGraph fake = null!;
    private GraphMailboxApi api = null!;
    private GraphSubscriptions subscriptions = null!;
    private GraphMailboxReader reader = null!;

    private static readonly Mailbox Mailbox = new(Account, InboxId, new Channel(ChannelId,
        new EmailChannel { Provider = EmailProvider.Office365, Address = Address, TenantId = FakeGraph.TenantId }, DateTimeOffset.UnixEpoch));

    public async Task InitializeAsync()
    {
        fake = await FakeGraph.Start();
        fake.ValidateEndpoints = false;
        fake.Silenced = true; // these tests hand the reader its changes themselves
        fake.AddMailbox(Address);
        var options = new GraphOptions
        {
            BaseUrl = fake.BaseUrl, ClientId = "app-id",
            NotificationUrl = "https://inbox.test/api/webhooks/graph", LifecycleNotificationUrl = "https://inbox.test/api/webhooks/graph/lifecycle",
        };
        api = new GraphMailboxApi(options, credentials);
        subscriptions = new GraphSubscriptions(api, store, secrets, clock);
        reader = new GraphMailboxReader(api, store, subscriptions, new EmailIntake(Mock.Of<IAttachmentStore>(), Mock.Of<IDirectoryStore>()), options, clock);
    }

    public async Task DisposeAsync()
    {
        api.Dispose();
        await fake.DisposeAsync();
    }

    private async Task<MailboxSubscription> Connect()
    {
        var connected = await subscriptions.Connect(Account, InboxId, ChannelId, Address, FakeGraph.TenantId, default);
        Assert.True(connected.IsSuccess, connected.Problem?.Detail);
        return store.Items[connected.Value!.SubscriptionId];
    }

    private static MailboxChange Change(MailboxChangeKind kind, MailboxSubscription s, string? reference = null) =>
        new(EmailProvider.Office365, kind, Account, InboxId, ChannelId, reference, s.Id);

    [Fact]
    public async Task Connecting_reads_the_inbox_and_subscribes_to_new_messages_with_a_secret_client_state()
    {
        var subscription = await Connect();

        var made = Assert.Single(fake.Subscriptions);
        Assert.Equal("created", made["changeType"]!.GetValue<string>());
        Assert.Equal($"users/{Address}/mailFolders('inbox')/messages", made["resource"]!.GetValue<string>());
        Assert.Equal("https://inbox.test/api/webhooks/graph/lifecycle", made["lifecycleNotificationUrl"]!.GetValue<string>());
        Assert.Equal(await secrets.Get(SecretNames.GraphClientState(Account, ChannelId), default), made["clientState"]!.GetValue<string>());
        Assert.InRange(subscription.ExpiresAt - clock.GetUtcNow(), TimeSpan.FromMinutes(10_000), TimeSpan.FromMinutes(10_079));
        Assert.Contains(fake.Requests, r => r.Method == "GET" && r.PathAndQuery.StartsWith("/v1.0/users/support@contoso.test/mailFolders/inbox", StringComparison.OrdinalIgnoreCase) && r.Authorized);
        Assert.Equal(FakeGraph.TenantId, Assert.Single(credentials.Tenants));

        // Connecting again (a retried wizard step) keeps the subscription it made.
        Assert.Equal(subscription.Id, (await Connect()).Id);
        Assert.Single(fake.Subscriptions);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task A_refused_mailbox_is_a_problem_that_says_what_the_tenant_admin_must_grant(HttpStatusCode status)
    {
        fake.Refuse(Address, status);

        var connected = await subscriptions.Connect(Account, InboxId, ChannelId, Address, FakeGraph.TenantId, default);

        Assert.Equal(ProblemKind.Invalid, connected.Problem!.Kind);
        var message = Assert.Single(connected.Problem.Errors!).Message;
        Assert.Contains("Mail.Read and Mail.Send", message, StringComparison.Ordinal);
        Assert.Contains($"https://login.microsoftonline.com/{FakeGraph.TenantId}/adminconsent?client_id=app-id", message, StringComparison.Ordinal);
        Assert.Empty(fake.Subscriptions);
        Assert.Empty(store.Items);
    }

    [Fact]
    public async Task An_unknown_mailbox_is_a_problem_on_the_address()
    {
        var connected = await subscriptions.Connect(Account, InboxId, ChannelId, "nobody@contoso.test", FakeGraph.TenantId, default);

        Assert.Equal("address", Assert.Single(connected.Problem!.Errors!).Field);
    }

    [Fact]
    public async Task New_mail_is_the_message_with_its_thread_headers_and_attachment_bytes()
    {
        var subscription = await Connect();
        var bytes = Encoding.UTF8.GetBytes("%PDF-1.7 invoice");
        var id = await fake.Deliver(Address, new FakeMail("carol@fabrikam.test", "Invoice", "See attached.", InternetMessageId: "<m2@fabrikam.test>",
            ConversationId: "conv-1", InReplyTo: "<m1@contoso.test>", References: "<m0@contoso.test> <m1@contoso.test>",
            AttachmentName: "invoice.pdf", AttachmentBytes: bytes));

        var read = await reader.Read(Mailbox, Change(MailboxChangeKind.NewMail, subscription, $"Users/{Address}/Messages/{id}"), default);

        var message = Assert.Single(read.Messages);
        Assert.Null(read.Checkpoint);
        Assert.Equal("<m2@fabrikam.test>", message.ExternalId);
        Assert.Equal("email:" + Address, message.BindingKey);
        Assert.Equal("conv-1", message.Thread.ConversationId);
        Assert.Equal("<m1@contoso.test>", message.Thread.InReplyTo);
        Assert.Equal(["<m0@contoso.test>", "<m1@contoso.test>"], message.Thread.References);
        Assert.Equal("carol@fabrikam.test", message.Sender.Email);
        var fetch = Assert.Single(fake.Requests, r => r.PathAndQuery.Contains("/messages/" + id, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("internetMessageHeaders", Uri.UnescapeDataString(fetch.PathAndQuery), StringComparison.Ordinal);
        Assert.Contains("$expand=attachments", Uri.UnescapeDataString(fetch.PathAndQuery), StringComparison.Ordinal);
        // The reader records that the mailbox is alive (for the timer), not the webhook.
        Assert.Equal(clock.GetUtcNow(), store.Items[subscription.Id].LastNotificationAt);
    }

    [Fact]
    public async Task The_same_message_read_twice_is_the_same_event()
    {
        var subscription = await Connect();
        var id = await fake.Deliver(Address, new FakeMail("carol@fabrikam.test", "Hi", "Hello"));
        var change = Change(MailboxChangeKind.NewMail, subscription, $"Users/{Address}/Messages/{id}");

        var first = Assert.Single((await reader.Read(Mailbox, change, default)).Messages);
        var again = Assert.Single((await reader.Read(Mailbox, change, default)).Messages);

        Assert.Equal(first.MessageId, again.MessageId);
    }

    [Fact]
    public async Task A_message_gone_since_its_notification_reads_nothing()
    {
        var subscription = await Connect();

        var read = await reader.Read(Mailbox, Change(MailboxChangeKind.NewMail, subscription, $"Users/{Address}/Messages/AAMkAGgone="), default);

        Assert.Empty(read.Messages);
    }

    [Fact]
    public async Task Catch_up_follows_every_next_link_and_keeps_the_delta_link_only_on_commit()
    {
        var subscription = await Connect();
        for (var i = 0; i < 5; i++) await fake.Deliver(Address, new FakeMail("carol@fabrikam.test", $"Gap {i}", "…", InternetMessageId: $"<gap{i}@fabrikam.test>"));

        var read = await reader.Read(Mailbox, Change(MailboxChangeKind.CatchUp, subscription), default);

        Assert.Equal(["<gap0@fabrikam.test>", "<gap1@fabrikam.test>", "<gap2@fabrikam.test>", "<gap3@fabrikam.test>", "<gap4@fabrikam.test>"],
            read.Messages.Select(m => m.ExternalId));
        Assert.Contains("$deltatoken=", read.Checkpoint, StringComparison.Ordinal);
        Assert.Null(store.Items[subscription.Id].DeltaLink);
        // A filtered first delta: the resync window, not the whole mailbox's history.
        Assert.Contains(fake.Requests, r => Uri.UnescapeDataString(r.PathAndQuery).Contains("receivedDateTime ge 2026-11-26T09:00:00Z", StringComparison.Ordinal));

        await reader.Commit(Mailbox, read.Checkpoint!, default);
        await fake.Deliver(Address, new FakeMail("carol@fabrikam.test", "After", "…", InternetMessageId: "<after@fabrikam.test>"));
        var next = await reader.Read(Mailbox, Change(MailboxChangeKind.CatchUp, subscription), default);

        Assert.Equal(["<after@fabrikam.test>"], next.Messages.Select(m => m.ExternalId));
        Assert.Equal(clock.GetUtcNow(), store.Items[subscription.Id].LastCatchUpAt);
    }

    [Fact]
    public async Task A_delta_link_Graph_forgot_starts_a_resync()
    {
        var subscription = await Connect();
        await fake.Deliver(Address, new FakeMail("carol@fabrikam.test", "One", "…", InternetMessageId: "<one@fabrikam.test>"));
        var first = await reader.Read(Mailbox, Change(MailboxChangeKind.CatchUp, subscription), default);
        await reader.Commit(Mailbox, first.Checkpoint!, default);
        fake.ExpireDeltaLinks();

        var resync = await reader.Read(Mailbox, Change(MailboxChangeKind.CatchUp, subscription), default);

        Assert.Equal(["<one@fabrikam.test>"], resync.Messages.Select(m => m.ExternalId));
        Assert.NotEqual(first.Checkpoint, resync.Checkpoint);
    }

    [Fact]
    public async Task Reauthorizing_renews_the_expiry()
    {
        var subscription = await Connect();
        clock.Advance(TimeSpan.FromDays(6));

        var read = await reader.Read(Mailbox, Change(MailboxChangeKind.Reauthorize, subscription), default);

        Assert.Empty(read.Messages);
        Assert.Equal(clock.GetUtcNow() + Core.Rules.MailboxSubscriptionRules.Asked, store.Items[subscription.Id].ExpiresAt);
        Assert.Contains(fake.Requests, r => r.Method == "PATCH" && r.PathAndQuery == $"/v1.0/subscriptions/{subscription.Id}");
    }

    [Fact]
    public async Task A_subscription_Graph_removed_is_created_again_and_the_mailbox_caught_up()
    {
        var subscription = await Connect();
        fake.Forget(subscription.Id);
        await fake.Deliver(Address, new FakeMail("carol@fabrikam.test", "Meanwhile", "…", InternetMessageId: "<meanwhile@fabrikam.test>"));

        var read = await reader.Read(Mailbox, Change(MailboxChangeKind.Recreate, subscription), default);

        var recreated = Assert.Single(store.Items.Values);
        Assert.NotEqual(subscription.Id, recreated.Id);
        Assert.Equal(recreated.Id, Assert.Single(fake.Subscriptions)["id"]!.GetValue<string>());
        Assert.Equal(["<meanwhile@fabrikam.test>"], read.Messages.Select(m => m.ExternalId));
        Assert.NotNull(read.Checkpoint);
    }

    [Fact]
    public async Task Disconnecting_deletes_the_subscription_and_its_client_state()
    {
        await Connect();

        Assert.Null(await subscriptions.Disconnect(Account, ChannelId, default));

        Assert.Empty(fake.Subscriptions);
        Assert.Empty(store.Items);
        Assert.Null(await secrets.Get(SecretNames.GraphClientState(Account, ChannelId), default));
    }

    [Theory]
    [InlineData("Users/ann@contoso.test/Messages/AAMkAG1=", "AAMkAG1=")]
    [InlineData("users/0f3b9f8e/messages('AAMkAG2=')", "AAMkAG2=")]
    [InlineData("Users/ann@contoso.test/Messages/AAMk/AG3=", "AAMk/AG3=")]
    [InlineData("Users/ann@contoso.test/Events/AAMkAG4=", null)]
    [InlineData(null, null)]
    public void A_notification_resource_names_its_message(string? resource, string? id) =>
        Assert.Equal(id, GraphMailboxReader.MessageIdOf(resource));
}
