using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application.Messenger;

public sealed class MessengerPageConnectorTests
{
    private const string PageId = "1234567890";
    private readonly Mock<IMessengerApi> api = MessengerApiMocks.Meta();
    private readonly FakeSecretStore secrets = new();
    private const string ChannelId = "ch-1";
    private static readonly string TokenSecret = SecretNames.MessengerPageToken("acc-1", ChannelId);

    private Task<Outcome<MessengerPageConnection>> Connect(string? greeting = "Hi! How can we help?", string accountId = "acc-1", string pageId = PageId) =>
        new MessengerPageConnector(api.Object, secrets).Connect(accountId, ChannelId, pageId, "short-user-token", greeting, CancellationToken.None);

    [Fact]
    public async Task Connecting_exchanges_the_token_stores_the_page_token_subscribes_and_sets_the_greeting()
    {
        var connection = await Connect();

        Assert.True(connection.IsSuccess, connection.Problem?.Detail);
        Assert.Equal(new MessengerPageConnection(PageId, "Acme Support", TokenSecret, true), connection.Value);
        Assert.Equal(["exchange", "page", "subscribe", "greeting"], api.Calls());
        Assert.Equal(
        [
            ("exchange", "short-user-token", null),
            ("page", "long-lived-user-token", PageId),
            ("subscribe", "page-token", PageId + ":messages,messaging_postbacks,messaging_optins,message_deliveries,message_reads,message_echoes"),
            ("greeting", "page-token", "Hi! How can we help?"),
        ], api.Arguments());
        Assert.Equal("page-token", secrets.Secrets[TokenSecret]);
    }

    [Fact]
    public async Task Without_a_greeting_none_is_set()
    {
        var connection = await Connect(greeting: null);

        Assert.False(connection.Value!.GreetingSet);
        Assert.DoesNotContain("greeting", api.Calls());
    }

    [Fact]
    public async Task Two_accounts_channels_naming_one_page_keep_their_tokens_apart()
    {
        await Connect(accountId: "acc-1");
        api.Setup(m => m.GetPage(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(new PageInfo(PageId, "Acme Support", "other-page-token"));
        await new MessengerPageConnector(api.Object, secrets).Connect("acc-2", "ch-2", PageId, "short-user-token", null, CancellationToken.None);

        Assert.Equal("page-token", secrets.Secrets[SecretNames.MessengerPageToken("acc-1", ChannelId)]);
        Assert.Equal("other-page-token", secrets.Secrets[SecretNames.MessengerPageToken("acc-2", "ch-2")]);
    }

    [Theory]
    [InlineData("", "pageId")]
    [InlineData("12ab", "pageId")]
    public async Task Bad_input_is_invalid_before_any_call(string pageId, string field)
    {
        var refused = await Connect(pageId: pageId);

        Assert.Equal(field, Assert.Single(refused.Problem!.Errors!).Field);
        Assert.Empty(api.Calls());
    }

    [Fact]
    public async Task A_greeting_over_160_characters_is_invalid()
    {
        var refused = await Connect(greeting: new string('g', 161));

        Assert.Equal("greeting", Assert.Single(refused.Problem!.Errors!).Field);
        Assert.Empty(api.Calls());
    }

    [Fact]
    public async Task An_expired_user_token_is_a_clear_400()
    {
        api.Setup(m => m.ExchangeUserToken(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(new MessengerError(MessengerErrorKind.TokenExpired, "Error validating access token: Session has expired", 400, 190, 463));

        var refused = await Connect();

        Assert.Equal(ProblemKind.Invalid, refused.Problem?.Kind);
        Assert.Equal("userAccessToken", Assert.Single(refused.Problem!.Errors!).Field);
        Assert.Contains("log in with Facebook again", refused.Problem.Detail);
        Assert.Equal(["exchange"], api.Calls());
        Assert.Empty(secrets.Secrets);
    }

    [Fact]
    public async Task A_user_who_cannot_manage_the_page_gets_no_page_token_and_a_clear_400()
    {
        api.Setup(m => m.GetPage(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(new PageInfo(PageId, "Acme Support", null));

        var refused = await Connect();

        Assert.Equal(ProblemKind.Invalid, refused.Problem?.Kind);
        Assert.Contains("cannot manage the page", refused.Problem!.Detail);
        Assert.Empty(secrets.Secrets);
    }

    [Fact]
    public async Task Facebook_being_down_is_unavailable()
    {
        api.Setup(m => m.SubscribeApp(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(new MessengerError(MessengerErrorKind.Transient, "An unexpected error has occurred.", 500, 2));

        var refused = await Connect();

        Assert.Equal(ProblemKind.Unavailable, refused.Problem?.Kind);
        Assert.Contains("subscribe", refused.Problem!.Detail);
    }

    [Fact]
    public async Task A_refused_subscription_is_a_clear_400_naming_the_step()
    {
        api.Setup(m => m.SubscribeApp(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(new MessengerError(MessengerErrorKind.Other, "(#200) Permissions error", 403, 200));

        var refused = await Connect();

        Assert.Equal(ProblemKind.Invalid, refused.Problem?.Kind);
        Assert.Contains("subscribe the app", refused.Problem!.Detail);
        Assert.Contains("(#200) Permissions error", refused.Problem.Detail);
    }

    [Fact]
    public async Task A_secret_store_failure_is_unavailable()
    {
        secrets.Failure = new IOException("vault unreachable");

        var refused = await Connect();

        Assert.Equal(ProblemKind.Unavailable, refused.Problem?.Kind);
        Assert.DoesNotContain("subscribe", api.Calls());
    }

    [Fact]
    public async Task Disconnecting_unsubscribes_and_deletes_the_token()
    {
        secrets.Secrets[TokenSecret] = "page-token";

        var done = await new MessengerPageConnector(api.Object, secrets).Disconnect("acc-1", ChannelId, PageId, unsubscribe: true, CancellationToken.None);

        Assert.Equal(new PageDisconnection(true, null), done.Value);
        Assert.Equal([("unsubscribe", "page-token", PageId)], api.Arguments());
        Assert.Empty(secrets.Secrets);
        Assert.False((await new MessengerPageConnector(api.Object, secrets).Disconnect("acc-1", ChannelId, PageId, unsubscribe: true, CancellationToken.None)).Value!.HadToken);
    }

    [Fact]
    public async Task Disconnecting_with_an_expired_token_still_deletes_it()
    {
        secrets.Secrets[TokenSecret] = "page-token";
        api.Setup(m => m.UnsubscribeApp(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(new MessengerError(MessengerErrorKind.TokenExpired, "expired", 400, 190));

        Assert.Equal(new PageDisconnection(true, null), (await new MessengerPageConnector(api.Object, secrets).Disconnect("acc-1", ChannelId, PageId, unsubscribe: true, CancellationToken.None)).Value);
        Assert.Empty(secrets.Secrets);
    }

    [Fact]
    public async Task Disconnecting_while_facebook_is_down_deletes_the_token_and_says_the_app_is_still_subscribed()
    {
        secrets.Secrets[TokenSecret] = "page-token";
        var down = new MessengerError(MessengerErrorKind.Transient, "An unexpected error has occurred.", 500, 2);
        api.Setup(m => m.UnsubscribeApp(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(down);

        var done = await new MessengerPageConnector(api.Object, secrets).Disconnect("acc-1", ChannelId, PageId, unsubscribe: true, CancellationToken.None);

        Assert.Equal(new PageDisconnection(true, down), done.Value);
        Assert.Empty(secrets.Secrets);
    }

    [Fact]
    public async Task Disconnecting_a_page_another_channel_holds_deletes_only_this_channels_token()
    {
        secrets.Secrets[TokenSecret] = "page-token";

        var done = await new MessengerPageConnector(api.Object, secrets).Disconnect("acc-1", ChannelId, PageId, unsubscribe: false, CancellationToken.None);

        Assert.Equal(new PageDisconnection(true, null), done.Value);
        Assert.Empty(api.Calls());
        Assert.Empty(secrets.Secrets);
    }
}
