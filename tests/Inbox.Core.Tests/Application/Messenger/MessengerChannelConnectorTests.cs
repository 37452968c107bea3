using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application.Messenger;

/// <summary>The setup wizard's handshake for a Messenger page, with Meta mocked and the secret store faked at their ports.</summary>
public sealed class MessengerChannelConnectorTests
{
    private const string InboxId = "inbox-1";
    private readonly Mock<IMessengerApi> api = MessengerApiMocks.Meta();
    private readonly FakeSecretStore secrets = new();

    private MessengerChannelConnector Connector() => new(new MessengerPageConnector(api.Object, secrets), secrets);

    private static Channel Page(string greeting = "Hello!") =>
        new("channel-1", new MessengerChannel { PageId = "1234567890", PageName = "Acme", Greeting = greeting }, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Without_the_admins_authorization_it_fails_with_what_to_do()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Connector().Connect("acc-1", InboxId, Page(), CancellationToken.None));

        Assert.Contains("messenger-authorization", failure.Message);
        Assert.Empty(api.Calls());
    }

    [Fact]
    public async Task With_it_the_page_is_connected_and_the_users_token_forgotten_and_a_retry_does_nothing_more()
    {
        await secrets.Set(MessengerChannelConnector.AuthorizationSecret(InboxId), "short-user-token", CancellationToken.None);

        await Connector().Connect("acc-1", InboxId, Page(), CancellationToken.None);
        await Connector().Connect("acc-1", InboxId, Page(), CancellationToken.None);

        Assert.Equal(["exchange", "page", "subscribe", "greeting"], api.Calls());
        Assert.Equal("page-token", secrets.Secrets[SecretNames.MessengerPageToken("acc-1", "channel-1")]);
        Assert.False(secrets.Secrets.ContainsKey(MessengerChannelConnector.AuthorizationSecret(InboxId)));
    }

    [Fact]
    public async Task Meta_refusing_fails_the_handshake_and_keeps_the_authorization_for_the_retry()
    {
        await secrets.Set(MessengerChannelConnector.AuthorizationSecret(InboxId), "short-user-token", CancellationToken.None);
        api.Setup(m => m.ExchangeUserToken(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(new MessengerError(MessengerErrorKind.TokenExpired, "Error validating access token", 400, 190, null, "trace"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Connector().Connect("acc-1", InboxId, Page(), CancellationToken.None));

        Assert.True(secrets.Secrets.ContainsKey(MessengerChannelConnector.AuthorizationSecret(InboxId)));
    }

    [Fact]
    public async Task Other_channels_need_no_handshake()
    {
        await Connector().Connect("acc-1", InboxId, new Channel("c", new FormChannel { FormId = "f" }, DateTimeOffset.UnixEpoch), CancellationToken.None);

        Assert.Empty(api.Calls());
    }
}
