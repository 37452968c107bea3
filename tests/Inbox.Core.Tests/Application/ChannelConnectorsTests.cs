using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application;

/// <summary>Every provider's connector is asked in turn: a refusal stops an update, and leftovers of all are reported.</summary>
public sealed class ChannelConnectorsTests
{
    private static readonly Channel Email = new(TestData.EmailChannelId, TestData.Email(), TestData.T0);
    private readonly Mock<IChannelConnector> first = new();
    private readonly Mock<IChannelConnector> second = new();

    private ChannelConnectors Connectors() => new([first.Object, second.Object]);

    [Fact]
    public async Task Connect_asks_every_connector()
    {
        await Connectors().Connect(TestData.AccountId, TestData.InboxId, Email, default);

        first.Verify(c => c.Connect(TestData.AccountId, TestData.InboxId, Email, It.IsAny<CancellationToken>()));
        second.Verify(c => c.Connect(TestData.AccountId, TestData.InboxId, Email, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task Update_is_pushed_when_any_connector_pushed_it_and_stops_at_a_refusal()
    {
        first.Setup(c => c.Update(It.IsAny<string>(), It.IsAny<string>(), Email, Email, It.IsAny<CancellationToken>())).ReturnsAsync(false);
        second.Setup(c => c.Update(It.IsAny<string>(), It.IsAny<string>(), Email, Email, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        Assert.True((await Connectors().Update(TestData.AccountId, TestData.InboxId, Email, Email, default)).Value);

        first.Setup(c => c.Update(It.IsAny<string>(), It.IsAny<string>(), Email, Email, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Problem.Invalid("address", "refused"));
        var refused = await Connectors().Update(TestData.AccountId, TestData.InboxId, Email, Email, default);

        Assert.Equal("refused", Assert.Single(refused.Problem!.Errors!).Message);
        second.Verify(c => c.Update(It.IsAny<string>(), It.IsAny<string>(), Email, Email, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Disconnect_reports_what_each_connector_left_over()
    {
        first.Setup(c => c.Disconnect(It.IsAny<string>(), It.IsAny<string>(), Email, false, It.IsAny<CancellationToken>())).ReturnsAsync("subscription kept");
        second.Setup(c => c.Disconnect(It.IsAny<string>(), It.IsAny<string>(), Email, false, It.IsAny<CancellationToken>())).ReturnsAsync((string?)null);

        Assert.Equal("subscription kept", await Connectors().Disconnect(TestData.AccountId, TestData.InboxId, Email, false, default));
        second.Setup(c => c.Disconnect(It.IsAny<string>(), It.IsAny<string>(), Email, false, It.IsAny<CancellationToken>())).ReturnsAsync("token kept");
        Assert.Equal("subscription kept token kept", await Connectors().Disconnect(TestData.AccountId, TestData.InboxId, Email, false, default));
    }
}
