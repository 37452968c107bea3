using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Tests.Application.Messenger;
using Moq;

namespace InboxServerless.Core.Tests.Application.Email;

/// <summary>The wizard's handshake for an Office 365 channel, and its undoing; other channels are not its business.</summary>
public sealed class Office365ChannelConnectorTests
{
    private const string Tenant = "contoso.onmicrosoft.com";
    private readonly Mock<IGraphMailboxes> graph = new();
    private readonly Mock<IMailboxSubscriptionStore> store = new();
    private readonly FakeSecretStore secrets = new();
    private readonly Office365ChannelConnector connector;

    public Office365ChannelConnectorTests()
    {
        store.Setup(s => s.FindByChannel(TestData.AccountId, It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        connector = new Office365ChannelConnector(new GraphSubscriptions(graph.Object, store.Object, secrets, new FakeTimeProvider(TestData.T0)));
    }

    private static Channel Office365(string? tenant) =>
        new("o365", TestData.Email("team@contoso.com") with { Provider = EmailProvider.Office365, TenantId = tenant }, TestData.T0);

    [Fact]
    public async Task Connects_an_office365_channel_in_the_tenant_it_names()
    {
        graph.Setup(g => g.CheckMailbox(Tenant, "team@contoso.com", It.IsAny<CancellationToken>())).ReturnsAsync(true);
        graph.Setup(g => g.Subscribe(Tenant, "team@contoso.com", It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GraphSubscriptionCreated("sub-1", TestData.T0.AddDays(7)));

        await connector.Connect(TestData.AccountId, TestData.InboxId, Office365(Tenant), default);

        store.Verify(s => s.Put(It.Is<MailboxSubscription>(m => m.Id == "sub-1"), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task Without_a_tenant_or_when_graph_refuses_it_throws_so_the_wizard_shows_why()
    {
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => connector.Connect(TestData.AccountId, TestData.InboxId, Office365(null), default));
        Assert.Contains("tenantId", missing.Message, StringComparison.Ordinal);

        graph.Setup(g => g.CheckMailbox(Tenant, "team@contoso.com", It.IsAny<CancellationToken>())).ReturnsAsync(Problem.Invalid("tenantId", "Grant Mail.Read and Mail.Send."));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => connector.Connect(TestData.AccountId, TestData.InboxId, Office365(Tenant), default));
        Assert.Contains("Mail.Read", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_channels_are_left_alone()
    {
        await connector.Connect(TestData.AccountId, TestData.InboxId, new Channel("gmail", TestData.Email(), TestData.T0), default);
        Assert.Null(await connector.Disconnect(TestData.AccountId, TestData.InboxId, new Channel("page", TestData.Messenger(), TestData.T0), false, default));

        graph.VerifyNoOtherCalls();
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Disconnecting_deletes_its_subscriptions_and_client_state_and_reports_what_graph_kept()
    {
        store.Setup(s => s.FindByChannel(TestData.AccountId, "o365", It.IsAny<CancellationToken>())).ReturnsAsync(
            [new MailboxSubscription("sub-1", TestData.AccountId, TestData.InboxId, "o365", "team@contoso.com", Tenant, TestData.T0, TestData.T0.AddDays(7))]);
        graph.Setup(g => g.Unsubscribe(Tenant, "sub-1", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Problem(ProblemKind.Unavailable, "Microsoft Graph could not be reached: try again."));
        await secrets.Set(SecretNames.GraphClientState(TestData.AccountId, "o365"), "state", default);

        var leftover = await connector.Disconnect(TestData.AccountId, TestData.InboxId, Office365(Tenant), false, default);

        Assert.Contains("sub-1", leftover, StringComparison.Ordinal);
        store.Verify(s => s.Delete("sub-1", It.IsAny<CancellationToken>()));
        Assert.Null(await secrets.Get(SecretNames.GraphClientState(TestData.AccountId, "o365"), default));
    }
}
