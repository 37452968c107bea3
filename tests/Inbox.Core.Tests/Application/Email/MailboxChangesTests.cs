using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application.Email;

/// <summary>A queued mailbox change reaches the reader of its channel's provider, and only while the channel is that provider's.</summary>
public sealed class MailboxChangesTests
{
    private readonly Mock<IInboxStore> inboxes = new();
    private readonly Mock<IMailboxReader> gmail = Reader(EmailProvider.Gmail);
    private readonly Mock<IMailboxReader> office365 = Reader(EmailProvider.Office365);

    public MailboxChangesTests() =>
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Inbox>(TestData.AnInbox(), "\"v1\"")); // its e-mail channel is Gmail

    private static Mock<IMailboxReader> Reader(EmailProvider provider)
    {
        var reader = new Mock<IMailboxReader>();
        reader.SetupGet(r => r.Provider).Returns(provider);
        reader.Setup(r => r.Read(It.IsAny<Mailbox>(), It.IsAny<MailboxChange>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Mailbox mailbox, MailboxChange change, CancellationToken _) => new MailboxRead([Message(mailbox, change)], "checkpoint-" + change.Reference));
        return reader;
    }

    private static InboundEvent Message(Mailbox mailbox, MailboxChange change) => new()
    {
        Channel = ChannelKind.Email,
        Type = InboundEventType.Message,
        BindingKey = mailbox.Channel.BindingKey.Value,
        ExternalId = $"<{change.Reference}@mail>",
        Sender = new InboundSender("ann@example.com"),
        SentAt = TestData.T0,
        ReceivedAt = TestData.T0,
    };

    private readonly List<string> routed = [];

    private MailboxChanges Changes() => new(inboxes.Object, [gmail.Object, office365.Object]);

    private Task Handle(MailboxChange change, MailboxChanges? changes = null) => (changes ?? Changes()).Handle(change, message =>
    {
        routed.Add(message.ExternalId);
        return Task.CompletedTask;
    }, default);

    private static MailboxChange Change(EmailProvider provider = EmailProvider.Gmail, string channelId = TestData.EmailChannelId) =>
        new(provider, MailboxChangeKind.NewMail, TestData.AccountId, TestData.InboxId, channelId, Reference: "42");

    [Fact]
    public async Task A_change_is_read_by_the_reader_of_its_provider_routed_then_committed()
    {
        gmail.Setup(r => r.Commit(It.IsAny<Mailbox>(), "checkpoint-42", It.IsAny<CancellationToken>())).Callback(() => routed.Add("commit"));

        await Handle(Change());

        Assert.Equal(["<42@mail>", "commit"], routed);
        gmail.Verify(r => r.Read(
            It.Is<Mailbox>(m => m.InboxId == TestData.InboxId && m.Channel.Id == TestData.EmailChannelId && m.Settings.Address == "help@acme.com"),
            Change(EmailProvider.Gmail, TestData.EmailChannelId), It.IsAny<CancellationToken>()));
        office365.Verify(r => r.Read(It.IsAny<Mailbox>(), It.IsAny<MailboxChange>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_change_for_a_channel_that_is_gone_or_changed_provider_reads_nothing()
    {
        await Handle(Change(channelId: "gone"));
        await Handle(Change(EmailProvider.Office365));

        Assert.Empty(routed);
        gmail.Verify(r => r.Read(It.IsAny<Mailbox>(), It.IsAny<MailboxChange>(), It.IsAny<CancellationToken>()), Times.Never);
        office365.Verify(r => r.Read(It.IsAny<Mailbox>(), It.IsAny<MailboxChange>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_host_without_the_providers_reader_throws_so_the_change_is_delivered_again()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Handle(Change(), new MailboxChanges(inboxes.Object, [office365.Object])));
    }

    [Fact]
    public async Task A_message_that_fails_to_route_commits_nothing_so_the_redelivery_reads_it_again()
    {
        var failing = Changes().Handle(Change(), _ => throw new InvalidOperationException("store down"), default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        gmail.Verify(r => r.Commit(It.IsAny<Mailbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
