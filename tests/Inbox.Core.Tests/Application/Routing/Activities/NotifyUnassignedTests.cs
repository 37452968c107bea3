using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Application.Routing.Activities;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application.Routing.Activities;

/// <summary>The fallback address's notice when the mail service refuses it for good: recorded, not retried, routing goes on.</summary>
public sealed class NotifyUnassignedTests
{
    private readonly FakeTimeProvider clock = new(TestData.T0);
    private readonly Mock<IConversationStore> conversations = new();
    private readonly Mock<IMailSender> mail = new();
    private Conversation stored = new()
    {
        Id = "conv-1", AccountId = TestData.AccountId, InboxId = TestData.InboxId, ChannelId = TestData.EmailChannelId,
        ChannelKind = ChannelKind.Email, ThreadKey = "t", SenderId = "jo@customer.test", CreatedAt = TestData.T0, LastMessageAt = TestData.T0,
    };

    private static readonly ConversationRef Reference = new(new RouteTarget(
        TestData.AccountId, TestData.InboxId, "Support", TestData.EmailChannelId, ChannelKind.Email, "help@acme.com",
        new Domain.Routing(), new InboxNotifications { FallbackEmail = "leads@acme.com" }), "conv-1");

    public NotifyUnassignedTests()
    {
        conversations.Setup(s => s.Find(TestData.InboxId, "conv-1", It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new Versioned<Conversation>(stored, "e"));
        conversations.Setup(s => s.Replace(It.IsAny<Conversation>(), "e", It.IsAny<CancellationToken>()))
            .ReturnsAsync((Conversation c, string _, CancellationToken _) => new Versioned<Conversation>(stored = c, "e"));
    }

    private NotifyUnassigned Notify() => new(conversations.Object, mail.Object, Mock.Of<ISlackNotifier>(), Mock.Of<ISecretStore>(), clock);

    [Fact]
    public async Task A_refused_notice_is_recorded_with_its_reason_and_not_sent_again()
    {
        mail.Setup(m => m.Send(It.IsAny<OutgoingMail>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new MailRefusedException("E-mail sending is not configured (Email:Acs)."));

        Assert.True(await Notify().Run(Reference, default));
        Assert.False(await Notify().Run(Reference, default)); // the event redelivered

        Assert.Equal(TestData.T0, stored.FallbackEmailFailedAt);
        Assert.Null(stored.FallbackEmailNotifiedAt);
        Assert.Equal("Nobody could be assigned, and the e-mail notice was refused: E-mail sending is not configured (Email:Acs).", stored.RoutingNote);
        mail.Verify(m => m.Send(It.IsAny<OutgoingMail>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_transient_failure_throws_for_the_activitys_retry_and_records_nothing()
    {
        mail.Setup(m => m.Send(It.IsAny<OutgoingMail>(), It.IsAny<CancellationToken>())).ThrowsAsync(new TimeoutException("ACS is slow."));

        await Assert.ThrowsAsync<TimeoutException>(() => Notify().Run(Reference, default));

        Assert.Null(stored.FallbackEmailFailedAt);
        Assert.Null(stored.FallbackEmailNotifiedAt);
    }
}
