using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Tests.Application.Messenger;
using Moq;

namespace InboxServerless.Core.Tests.Application;

/// <summary>
/// Connecting a page, with the stores and Meta mocked at their ports: what is refused before Meta is asked, and the
/// order of a proof (Meta, then the channel marked proven, then its id claimed). The stores themselves are tested
/// against the database (Inbox.Azure.Tests).
/// </summary>
public sealed class MessengerPageUseCasesTests
{
    private const string PageChannelId = "page-1";
    private static readonly Caller Alice = new(TestData.AccountId, "alice", new HashSet<Role> { Role.AccountAdmin });
    private static readonly Channel Page = new(PageChannelId, TestData.Messenger(), TestData.T0, ChannelOwnership.Pending(TestData.T0.AddHours(24)));
    private static readonly string PageKey = Page.BindingKey.Value;

    private readonly Mock<IInboxStore> inboxes = new();
    private readonly Mock<IChannelBindingStore> bindings = new();
    private readonly Mock<IDirectoryStore> directories = new();
    private readonly Mock<IMessengerApi> meta = MessengerApiMocks.Meta();
    private readonly FakeSecretStore secrets = new();
    private readonly FakeTimeProvider clock = new(TestData.T0.AddMinutes(5));
    private readonly List<string> order = [];

    public MessengerPageUseCasesTests()
    {
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Inbox>(TestData.AnInbox().WithChannel(Page, TestData.T0), "\"v1\""));
        inboxes.Setup(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("mark"))
            .ReturnsAsync((Inbox inbox, string _, CancellationToken _) => new Versioned<Inbox>(inbox, "\"v2\""));
        bindings.Setup(b => b.Claim(It.IsAny<ChannelBinding>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("claim"))
            .ReturnsAsync((ChannelBinding binding, CancellationToken _) => new Versioned<ChannelBinding>(binding, "\"b1\""));
        meta.Setup(m => m.ExchangeUserToken(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("meta"))
            .ReturnsAsync(new UserToken("long-lived-user-token", TimeSpan.FromDays(60)));
    }

    private MessengerPageUseCases Admin() =>
        new(inboxes.Object, new InboxUseCases(inboxes.Object, bindings.Object, directories.Object, clock), new MessengerPageConnector(meta.Object, secrets));

    private Task<Outcome<MessengerPageConnection>> Connect(Caller? caller = null, string channelId = PageChannelId, string token = "EAAB-token") =>
        Admin().ConnectPage(caller ?? Alice, TestData.InboxId, channelId, new PageAuthorization(token), default);

    [Fact]
    public async Task Meta_proves_the_page_then_the_channel_is_marked_proven_then_it_claims_the_page()
    {
        var connected = await Connect();

        Assert.True(connected.IsSuccess, connected.Problem?.Detail);
        Assert.Equal(["meta", "mark", "claim"], order);
        inboxes.Verify(s => s.Replace(
            It.Is<Inbox>(i => i.FindChannel(PageChannelId)!.Ownership == ChannelOwnership.Proven(clock.GetUtcNow())), "\"v1\"", It.IsAny<CancellationToken>()));
        bindings.Verify(b => b.Claim(new ChannelBinding(PageKey, TestData.AccountId, TestData.InboxId, PageChannelId, clock.GetUtcNow()), It.IsAny<CancellationToken>()));
        Assert.Equal("EAAB-token", meta.Arguments()[0].Token);
    }

    [Fact]
    public async Task A_page_another_channel_proved_is_refused_before_meta_is_asked()
    {
        var holder = TestData.AnInbox(accountId: TestData.OtherAccountId) with { Id = "inbox-9" };
        var proven = new Channel("page-9", TestData.Messenger(), TestData.T0, ChannelOwnership.Proven(TestData.T0));
        bindings.Setup(b => b.Find(PageKey, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<ChannelBinding>(new ChannelBinding(PageKey, TestData.OtherAccountId, "inbox-9", "page-9", TestData.T0), "\"b9\""));
        inboxes.Setup(s => s.Find(TestData.OtherAccountId, "inbox-9", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Inbox>(holder.WithChannel(proven, TestData.T0), "\"h1\""));

        var refused = await Connect();

        Assert.Equal(ProblemKind.Conflict, refused.Problem!.Kind);
        Assert.Empty(meta.Calls());
        Assert.Empty(order);
    }

    [Fact]
    public async Task A_page_meta_refuses_stays_pending_and_unclaimed()
    {
        meta.Setup(m => m.ExchangeUserToken(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new MessengerError(MessengerErrorKind.TokenExpired, "Error validating access token", 400, 190, 463));

        var refused = await Connect();

        Assert.Equal(ProblemKind.Invalid, refused.Problem!.Kind);
        inboxes.Verify(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        bindings.Verify(b => b.Claim(It.IsAny<ChannelBinding>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task What_cannot_be_a_page_connection_is_refused_before_meta_is_asked()
    {
        var member = new Caller(TestData.AccountId, "bob", new HashSet<Role> { Role.Member });

        Assert.Equal(ProblemKind.Forbidden, (await Connect(caller: member)).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await Connect(channelId: TestData.EmailChannelId)).Problem!.Kind); // not a page
        Assert.Equal(ProblemKind.NotFound, (await Connect(channelId: "page-0")).Problem!.Kind);
        Assert.Equal("userAccessToken", Assert.Single((await Connect(token: " ")).Problem!.Errors!).Field);

        Assert.Empty(meta.Calls());
        Assert.Empty(order);
    }
}
