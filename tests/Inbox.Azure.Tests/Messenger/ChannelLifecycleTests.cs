using System.Net;
using InboxServerless.Azure.Cosmos;
using InboxServerless.Azure.Messenger;
using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Messenger;

/// <summary>
/// A channel's life at its provider: disconnecting a Messenger channel (or deleting its inbox) unsubscribes the app
/// and forgets the page token; a changed greeting reaches the page; a team e-mail a chat sends transcripts from stays.
/// Over Cosmos and the Graph adapter, with Meta faked at HTTP.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class ChannelLifecycleTests(CosmosFixture cosmos) : IDisposable
{
    private const string Account = "acme";
    private const string PageId = "5550001";
    private const string Graph = "https://graph.facebook.com/v23.0/";

    private readonly CosmosContainers containers = cosmos.NewDatabase();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeGraphHandler meta = new();
    private readonly InMemorySecretStore secrets = new();

    private static readonly Caller AdminCaller = new(Account, "admin", new HashSet<Role> { Role.Member, Role.AccountAdmin });

    public void Dispose() => containers.Dispose();

    private CosmosChannelBindingStore Bindings => new(containers);

    /// <summary>The secret of the page token of the channel <see cref="Connected"/> made last.</summary>
    private string? pageTokenSecret;

    private MessengerPageConnector Pages() =>
        new(new MessengerGraphApi(new HttpClient(meta), new MessengerGraphOptions { AppId = "app-id", AppSecret = "app-secret" }), secrets);

    private InboxUseCases Admin() =>
        new(new CosmosInboxStore(containers), Bindings, new CosmosDirectoryStore(containers), clock, connector: new MessengerChannelConnector(Pages(), secrets));

    private MessengerPageUseCases Messenger() => new(new CosmosInboxStore(containers), Admin(), Pages());

    private static MessengerChannel Page(string? greeting = "Hello!") => new() { PageId = PageId, PageName = "Acme", Greeting = greeting };

    private async Task<(string InboxId, Versioned<Channel> Channel)> Connected(ChannelSettings settings, bool pageTokenStored = true)
    {
        var inbox = (await Admin().Create(AdminCaller, new InboxSettings { Name = "Inbox " + Guid.NewGuid().ToString("N")[..8] }, default)).Value!;
        var channel = await Admin().ConnectChannel(AdminCaller, inbox.Value.Id, settings, default);
        Assert.True(channel.IsSuccess, channel.Problem?.Detail);
        pageTokenSecret = SecretNames.MessengerPageToken(Account, channel.Value!.Value.Id);
        if (pageTokenStored) await secrets.Set(pageTokenSecret, "page-token", default);
        return (inbox.Value.Id, channel.Value!);
    }

    // ---- Disconnecting a Messenger channel ----

    [Fact]
    public async Task Disconnecting_a_messenger_channel_unsubscribes_the_app_and_deletes_the_page_token()
    {
        var (inboxId, channel) = await Connected(Page());
        meta.Answer(HttpStatusCode.OK, """{"success":true}""");

        var done = await Admin().DisconnectChannel(AdminCaller, inboxId, channel.Value.Id, null, default);

        Assert.True(done.IsSuccess, done.Problem?.Detail);
        Assert.Empty(done.Value!.Leftovers);
        var request = meta.Request;
        Assert.Equal((HttpMethod.Delete, Graph + PageId + "/subscribed_apps", "Bearer page-token"), (request.Method, request.Uri.ToString(), request.Authorization));
        Assert.Null(await secrets.Get(pageTokenSecret!, default));
        Assert.Null(await Bindings.Find("messenger:" + PageId, default));
    }

    [Fact]
    public async Task Deleting_the_inbox_of_a_messenger_channel_unsubscribes_the_app_and_deletes_the_page_token()
    {
        var (inboxId, _) = await Connected(Page());
        meta.Answer(HttpStatusCode.OK, """{"success":true}""");

        var done = await Admin().Delete(AdminCaller, inboxId, null, default);

        Assert.True(done.IsSuccess, done.Problem?.Detail);
        Assert.Equal(HttpMethod.Delete, meta.Request.Method);
        Assert.Null(await secrets.Get(pageTokenSecret!, default));
        Assert.Null(await Bindings.Find("messenger:" + PageId, default));
    }

    [Fact]
    public async Task When_facebook_cannot_be_reached_the_channel_is_still_removed_its_token_deleted_and_the_leftover_reported()
    {
        var (inboxId, channel) = await Connected(Page());
        meta.Answer(HttpStatusCode.InternalServerError, """{"error":{"message":"An unexpected error has occurred.","type":"OAuthException","code":2,"fbtrace_id":"AbC"}}""");

        var done = await Admin().DisconnectChannel(AdminCaller, inboxId, channel.Value.Id, null, default);

        Assert.True(done.IsSuccess, done.Problem?.Detail);
        Assert.Contains(PageId, Assert.Single(done.Value!.Leftovers));
        Assert.Null(await secrets.Get(pageTokenSecret!, default));
        Assert.Empty((await Admin().Get(AdminCaller, inboxId, default)).Value!.Value.Channels);
        Assert.Null(await Bindings.Find("messenger:" + PageId, default));
    }

    [Fact]
    public async Task A_page_never_connected_to_meta_is_disconnected_without_a_call()
    {
        var (inboxId, channel) = await Connected(Page(), pageTokenStored: false);

        var done = await Admin().DisconnectChannel(AdminCaller, inboxId, channel.Value.Id, null, default);

        Assert.True(done.IsSuccess, done.Problem?.Detail);
        Assert.Empty(meta.Requests);
    }

    // ---- The greeting ----

    [Fact]
    public async Task A_changed_greeting_is_set_on_the_page()
    {
        var (inboxId, channel) = await Connected(Page("Hello!"));
        meta.Answer(HttpStatusCode.OK, """{"result":"success"}""");

        var updated = await Admin().UpdateChannel(AdminCaller, inboxId, channel.Value.Id, Page("Welcome to Acme!"), channel.ETag, default);

        Assert.True(updated.IsSuccess, updated.Problem?.Detail);
        var request = meta.Request;
        Assert.Equal((HttpMethod.Post, Graph + "me/messenger_profile", "Bearer page-token"), (request.Method, request.Uri.ToString(), request.Authorization));
        Assert.Equal("""{"greeting":[{"locale":"default","text":"Welcome to Acme!"}]}""", request.Body);
    }

    [Fact]
    public async Task A_removed_greeting_is_deleted_from_the_page()
    {
        var (inboxId, channel) = await Connected(Page("Hello!"));
        meta.Answer(HttpStatusCode.OK, """{"result":"success"}""");

        var updated = await Admin().UpdateChannel(AdminCaller, inboxId, channel.Value.Id, Page(greeting: null), channel.ETag, default);

        Assert.True(updated.IsSuccess, updated.Problem?.Detail);
        var request = meta.Request;
        Assert.Equal((HttpMethod.Delete, Graph + "me/messenger_profile"), (request.Method, request.Uri.ToString()));
        Assert.Equal("""{"fields":["greeting"]}""", request.Body);
    }

    [Fact]
    public async Task An_unchanged_greeting_makes_no_call()
    {
        var (inboxId, channel) = await Connected(Page("Hello!"));

        var updated = await Admin().UpdateChannel(AdminCaller, inboxId, channel.Value.Id, Page("Hello!") with { PageName = "Acme EU" }, channel.ETag, default);

        Assert.True(updated.IsSuccess, updated.Problem?.Detail);
        Assert.Empty(meta.Requests);
    }

    [Fact]
    public async Task A_greeting_facebook_does_not_take_is_a_503_and_nothing_changes()
    {
        var (inboxId, channel) = await Connected(Page("Hello!"));
        meta.Answer(HttpStatusCode.InternalServerError, """{"error":{"message":"An unexpected error has occurred.","type":"OAuthException","code":2,"fbtrace_id":"AbC"}}""");

        var updated = await Admin().UpdateChannel(AdminCaller, inboxId, channel.Value.Id, Page("Welcome!"), channel.ETag, default);

        Assert.Equal(ProblemKind.Unavailable, updated.Problem?.Kind);
        var kept = (await Admin().GetChannel(AdminCaller, inboxId, channel.Value.Id, default)).Value!;
        Assert.Equal("Hello!", ((MessengerChannel)kept.Value.Settings).Greeting);
        Assert.Equal(channel.ETag, kept.ETag);
    }

    [Fact]
    public async Task A_stale_etag_is_refused_before_the_greeting_is_pushed()
    {
        var (inboxId, channel) = await Connected(Page("Hello!"));

        var updated = await Admin().UpdateChannel(AdminCaller, inboxId, channel.Value.Id, Page("Welcome!"), "\"stale\"", default);

        Assert.Equal(ProblemKind.PreconditionFailed, updated.Problem?.Kind);
        Assert.Empty(meta.Requests);
    }

    // ---- A team e-mail a chat sends its transcripts from ----

    [Fact]
    public async Task An_email_channel_a_chat_sends_transcripts_from_cannot_be_disconnected()
    {
        var (inboxId, email) = await Connected(new EmailChannel
        {
            Provider = EmailProvider.Forwarding, Address = $"help-{Guid.NewGuid():N}@acme.test", FromName = new FromName { CompanyName = "Acme" },
        }, pageTokenStored: false);
        var chat = await Admin().ConnectChannel(AdminCaller, inboxId, new ChatChannel
        {
            WelcomeMessage = "Hi!", Transcript = new ChatTranscript { Enabled = true, FromEmailChannelId = email.Value.Id },
        }, default);

        var refused = await Admin().DisconnectChannel(AdminCaller, inboxId, email.Value.Id, null, default);

        Assert.Equal(ProblemKind.Conflict, refused.Problem?.Kind);
        Assert.Contains(chat.Value!.Value.Id, refused.Problem!.Detail);
        Assert.Equal(2, (await Admin().Get(AdminCaller, inboxId, default)).Value!.Value.Channels.Count);
    }

    // ---- Proving the page (issue 12) ----

    private static Caller AdminOf(string account) => new(account, "admin", new HashSet<Role> { Role.Member, Role.AccountAdmin });

    /// <summary>Meta confirms the user token can manage the page, hands over <paramref name="pageToken"/>, and takes the subscription and greeting.</summary>
    private void MetaConfirms(string pageToken) => meta
        .Answer(HttpStatusCode.OK, """{"access_token":"long-lived","token_type":"bearer","expires_in":5183944}""")
        .Answer(HttpStatusCode.OK, $$"""{"access_token":"{{pageToken}}","name":"Acme","id":"{{PageId}}"}""")
        .Answer(HttpStatusCode.OK, """{"success":true}""")
        .Answer(HttpStatusCode.OK, """{"result":"success"}""");

    private async Task<(string InboxId, string ChannelId)> PageChannelOf(string account)
    {
        var inbox = (await Admin().Create(AdminOf(account), new InboxSettings { Name = "Pages " + Guid.NewGuid().ToString("N")[..8] }, default)).Value!;
        var channel = await Admin().ConnectChannel(AdminOf(account), inbox.Value.Id, Page(), default);
        Assert.True(channel.IsSuccess, channel.Problem?.Detail);
        return (inbox.Value.Id, channel.Value!.Value.Id);
    }

    private async Task<ChannelOwnership?> OwnershipOf(string account, string inboxId, string channelId) =>
        (await Admin().GetChannel(AdminOf(account), inboxId, channelId, default)).Value!.Value.Ownership;

    [Fact]
    public async Task A_page_connected_through_the_channel_api_is_pending_until_meta_confirms_the_user_token()
    {
        var (inboxId, channelId) = await PageChannelOf("acme");
        Assert.Equal(ChannelOwnership.Pending(clock.GetUtcNow() + TimeSpan.FromHours(24)), await OwnershipOf("acme", inboxId, channelId));

        MetaConfirms("acme-page-token");
        var connected = await Messenger().ConnectPage(AdminOf("acme"), inboxId, channelId, new PageAuthorization("acme-user-token"), default);

        Assert.True(connected.IsSuccess, connected.Problem?.Detail);
        Assert.Equal(ChannelOwnership.Proven(clock.GetUtcNow()), await OwnershipOf("acme", inboxId, channelId));
        Assert.Equal("acme-page-token", await secrets.Get(SecretNames.MessengerPageToken("acme", channelId), default));
        Assert.Equal(channelId, (await Bindings.Find("messenger:" + PageId, default))!.Value.ChannelId);
    }

    [Fact]
    public async Task A_user_token_meta_does_not_confirm_leaves_the_page_pending()
    {
        var (inboxId, channelId) = await PageChannelOf("acme");
        meta.Answer(HttpStatusCode.OK, """{"access_token":"long-lived","token_type":"bearer","expires_in":5183944}""")
            .Answer(HttpStatusCode.OK, $$"""{"name":"Acme","id":"{{PageId}}"}"""); // no page token: the user cannot manage the page

        var refused = await Messenger().ConnectPage(AdminOf("acme"), inboxId, channelId, new PageAuthorization("someone-elses-token"), default);

        Assert.Equal(ProblemKind.Invalid, refused.Problem?.Kind);
        Assert.Equal(OwnershipState.Pending, (await OwnershipOf("acme", inboxId, channelId))!.State);
    }

    [Fact]
    public async Task Another_accounts_pending_page_neither_blocks_a_channel_nor_its_proof_which_takes_the_page_over()
    {
        var (squatterInbox, squatterChannel) = await PageChannelOf("squatter");
        var (inboxId, channelId) = await PageChannelOf("acme"); // 201 though the squatter's pending claim holds the page

        MetaConfirms("acme-page-token");
        var connected = await Messenger().ConnectPage(AdminOf("acme"), inboxId, channelId, new PageAuthorization("acme-user-token"), default);

        Assert.True(connected.IsSuccess, connected.Problem?.Detail);
        Assert.Equal(channelId, (await Bindings.Find("messenger:" + PageId, default))!.Value.ChannelId);
        Assert.Equal(OwnershipState.Pending, (await OwnershipOf("squatter", squatterInbox, squatterChannel))!.State);
    }

    [Fact]
    public async Task A_page_another_account_proved_is_refused_before_meta_is_asked()
    {
        var (ownerInbox, ownerChannel) = await PageChannelOf("owner");
        MetaConfirms("owner-page-token");
        Assert.True((await Messenger().ConnectPage(AdminOf("owner"), ownerInbox, ownerChannel, new PageAuthorization("owner-user-token"), default)).IsSuccess);
        meta.Requests.Clear();

        var refused = await Admin().ConnectChannel(AdminOf("acme"), (await Admin().Create(AdminOf("acme"), new InboxSettings { Name = "Other" }, default)).Value!.Value.Id, Page(), default);

        Assert.Equal(ProblemKind.Conflict, refused.Problem?.Kind);
        Assert.Empty(meta.Requests);
    }

    [Fact]
    public async Task A_pending_claim_that_expired_is_free_for_another_pending_channel()
    {
        await PageChannelOf("squatter");
        clock.Advance(TimeSpan.FromHours(24));

        var (_, channelId) = await PageChannelOf("acme");

        Assert.Equal(channelId, (await Bindings.Find("messenger:" + PageId, default))!.Value.ChannelId);
    }

    [Fact]
    public async Task Disconnecting_a_pending_channel_whose_page_another_channel_holds_leaves_its_subscription()
    {
        var (squatterInbox, squatterChannel) = await PageChannelOf("squatter");
        var (inboxId, channelId) = await PageChannelOf("acme");
        MetaConfirms("acme-page-token");
        Assert.True((await Messenger().ConnectPage(AdminOf("acme"), inboxId, channelId, new PageAuthorization("acme-user-token"), default)).IsSuccess);
        meta.Requests.Clear();

        var done = await Admin().DisconnectChannel(AdminOf("squatter"), squatterInbox, squatterChannel, null, default);

        Assert.True(done.IsSuccess, done.Problem?.Detail);
        Assert.Empty(meta.Requests);
        Assert.Equal("acme-page-token", await secrets.Get(SecretNames.MessengerPageToken("acme", channelId), default));
        Assert.Equal(channelId, (await Bindings.Find("messenger:" + PageId, default))!.Value.ChannelId);
    }
}
