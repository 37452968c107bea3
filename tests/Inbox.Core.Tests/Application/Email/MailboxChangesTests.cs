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
            .ReturnsAsync((Mailbox mailbox, MailboxChange change, CancellationToken _) => [Message(mailbox, change)]);
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

    private MailboxChanges Changes() => new(inboxes.Object, [gmail.Object, office365.Object]);

    private static MailboxChange Change(EmailProvider provider = EmailProvider.Gmail, string channelId = TestData.EmailChannelId) =>
        new(provider, MailboxChangeKind.NewMail, TestData.AccountId, TestData.InboxId, channelId, Reference: "42");

    [Fact]
    public async Task A_change_is_read_by_the_reader_of_its_provider_with_the_channel_it_names()
    {
        var read = await Changes().Read(Change(), default);

        Assert.Equal("<42@mail>", Assert.Single(read).ExternalId);
        gmail.Verify(r => r.Read(
            It.Is<Mailbox>(m => m.InboxId == TestData.InboxId && m.Channel.Id == TestData.EmailChannelId && m.Settings.Address == "help@acme.com"),
            Change(EmailProvider.Gmail, TestData.EmailChannelId), It.IsAny<CancellationToken>()));
        office365.Verify(r => r.Read(It.IsAny<Mailbox>(), It.IsAny<MailboxChange>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_change_for_a_channel_that_is_gone_or_changed_provider_reads_nothing()
    {
        Assert.Empty(await Changes().Read(Change(channelId: "gone"), default));
        Assert.Empty(await Changes().Read(Change(EmailProvider.Office365), default));
        gmail.Verify(r => r.Read(It.IsAny<Mailbox>(), It.IsAny<MailboxChange>(), It.IsAny<CancellationToken>()), Times.Never);
        office365.Verify(r => r.Read(It.IsAny<Mailbox>(), It.IsAny<MailboxChange>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_host_without_the_providers_reader_throws_so_the_change_is_delivered_again()
    {
        var changes = new MailboxChanges(inboxes.Object, [office365.Object]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => changes.Read(Change(), default));
    }
}
