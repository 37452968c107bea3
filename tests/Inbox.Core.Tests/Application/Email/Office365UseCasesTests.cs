using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Tests.Application.Messenger;
using Moq;

namespace InboxServerless.Core.Tests.Application.Email;

/// <summary>
/// Connecting an Office 365 mailbox through the channel API, with Graph and the stores at their ports: what is refused
/// before Graph is asked, and Graph's answer as the channel's proof.
/// </summary>
public sealed class Office365UseCasesTests
{
    private const string ChannelId = "o365-1";
    private const string Tenant = "84bd8158-6d4d-4958-8b9f-9d6445542f95";
    private static readonly Caller Alice = new(TestData.AccountId, "alice", new HashSet<Role> { Role.AccountAdmin });
    private static readonly EmailChannel Mailbox = TestData.Email("support@acme.com") with { Provider = EmailProvider.Office365, FromName = null };

    private readonly Mock<IInboxStore> inboxes = new();
    private readonly Mock<IChannelBindingStore> bindings = new();
    private readonly Mock<IGraphMailboxes> graph = new();
    private readonly Mock<IMailboxSubscriptionStore> subscriptions = new();
    private readonly FakeSecretStore secrets = new();
    private readonly FakeTimeProvider clock = new(TestData.T0.AddMinutes(5));

    public Office365UseCasesTests()
    {
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Inbox>(TestData.AnInbox().WithChannel(new Channel(ChannelId, Mailbox, TestData.T0), TestData.T0), "\"v1\""));
        inboxes.Setup(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Inbox inbox, string _, CancellationToken _) => new Versioned<Inbox>(inbox, "\"v2\""));
        bindings.Setup(b => b.Claim(It.IsAny<ChannelBinding>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ChannelBinding binding, CancellationToken _) => new Versioned<ChannelBinding>(binding, "\"b1\""));
        subscriptions.Setup(s => s.FindByChannel(TestData.AccountId, ChannelId, It.IsAny<CancellationToken>())).ReturnsAsync([]);
        graph.Setup(g => g.CheckMailbox(Tenant, "support@acme.com", It.IsAny<CancellationToken>())).ReturnsAsync(true);
        graph.Setup(g => g.Subscribe(Tenant, "support@acme.com", It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GraphSubscriptionCreated("sub-1", clock.GetUtcNow().AddDays(7)));
    }

    private Task<Outcome<Office365Connection>> Connect(Caller? caller = null, string channelId = ChannelId, string tenant = Tenant) =>
        new Office365UseCases(inboxes.Object, new InboxUseCases(inboxes.Object, bindings.Object, Mock.Of<IDirectoryStore>(), clock),
                new GraphSubscriptions(graph.Object, subscriptions.Object, secrets, clock))
            .ConnectMailbox(caller ?? Alice, TestData.InboxId, channelId, new Office365Authorization(tenant), default);

    [Fact]
    public async Task Graph_reaches_the_mailbox_the_subscription_is_recorded_and_the_channel_proven()
    {
        var connected = await Connect();

        Assert.True(connected.IsSuccess, connected.Problem?.Detail);
        Assert.Equal(new Office365Connection("support@acme.com", Tenant, "sub-1", clock.GetUtcNow().AddDays(7)), connected.Value);
        subscriptions.Verify(s => s.Put(It.Is<MailboxSubscription>(m => m.Id == "sub-1" && m.ChannelId == ChannelId && m.TenantId == Tenant), It.IsAny<CancellationToken>()));
        var state = await secrets.Get(SecretNames.GraphClientState(TestData.AccountId, ChannelId), default);
        graph.Verify(g => g.Subscribe(Tenant, "support@acme.com", state!, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()));
        Assert.True(state!.Length >= 40);
        inboxes.Verify(s => s.Replace(It.Is<Inbox>(i => i.FindChannel(ChannelId)!.Ownership == ChannelOwnership.Proven(clock.GetUtcNow())), "\"v1\"", It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task A_tenant_that_did_not_grant_is_the_graph_problem_and_nothing_is_recorded_or_proven()
    {
        graph.Setup(g => g.CheckMailbox(Tenant, "support@acme.com", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Problem.Invalid("tenantId", "grant Mail.Read and Mail.Send"));

        var connected = await Connect();

        Assert.Equal("tenantId", Assert.Single(connected.Problem!.Errors!).Field);
        subscriptions.Verify(s => s.Put(It.IsAny<MailboxSubscription>(), It.IsAny<CancellationToken>()), Times.Never);
        graph.Verify(g => g.Subscribe(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
        inboxes.Verify(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Refused_before_Graph_is_asked()
    {
        Assert.Equal(ProblemKind.Forbidden, (await Connect(caller: new Caller(TestData.AccountId, "bob", new HashSet<Role>()))).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await Connect(channelId: TestData.EmailChannelId)).Problem!.Kind); // a Gmail channel
        Assert.Equal("tenantId", Assert.Single((await Connect(tenant: "not a tenant")).Problem!.Errors!).Field);
        graph.VerifyNoOtherCalls();
    }
}
