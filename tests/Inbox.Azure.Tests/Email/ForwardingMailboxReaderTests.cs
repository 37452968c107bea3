using System.Text;
using Azure.Storage.Blobs;
using InboxServerless.Azure.Email;
using InboxServerless.Azure.Secrets;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Azure.Tests.ServiceBus;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>
/// The forwarding reader over stored raw messages (Azurite): MIME as mail servers write it becomes one routable message;
/// the verification message proves a pending address and is consumed; anything else for a pending address is dropped.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ForwardingMailboxReaderTests
{
    private const string AccountId = "acct-1";
    private const string InboxId = "inbox-1";
    private const string ChannelId = "fwd-1";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static readonly EmailChannel Settings = new()
    {
        Provider = EmailProvider.Forwarding, Address = "support@contoso.test",
        FromName = new FromName { Format = FromNameFormat.CompanyOnly, CompanyName = "Contoso" },
    };

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    /// <summary>multipart/related: an HTML body showing an inline image by its Content-ID, and the image itself.</summary>
    private static readonly string InlineImage = $"""
        From: =?UTF-8?Q?Zo=C3=AB_M=C3=BCller?= <zoe@customer.test>
        To: support@contoso.test
        Subject: =?ISO-8859-1?B?U2No5G5lIEdy/N9l?=
        Message-ID: <inline-1@customer.test>
        MIME-Version: 1.0
        Content-Type: multipart/related; boundary="rel-1"

        --rel-1
        Content-Type: text/html; charset=UTF-8
        Content-Transfer-Encoding: quoted-printable

        <p>Voil=C3=A0 le d=C3=A9g=C3=A2t:</p><img src=3D"cid:photo-1@customer.test">
        --rel-1
        Content-Type: image/png; name="photo.png"
        Content-Disposition: inline; filename="photo.png"
        Content-ID: <photo-1@customer.test>
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Png)}
        --rel-1--
        """;

    private readonly ForwardedMailStore store;
    private readonly InMemorySecretStore secrets = new();
    private readonly List<OutgoingMail> sent = [];
    private readonly Mock<IInboxStore> inboxes = new();
    private readonly Mock<IChannelBindingStore> bindings = new();
    private readonly FakeTimeProvider clock = new(Now);
    private readonly ForwardingRegistrations registrations;
    private Inbox stored;

    public ForwardingMailboxReaderTests(AzuriteFixture azurite)
    {
        store = new ForwardedMailStore(new BlobContainerClient(azurite.Emulator.ConnectionString, "forwarded-" + Guid.NewGuid().ToString("N")[..12]));
        var mail = new Mock<IMailSender>();
        mail.Setup(m => m.Send(It.IsAny<OutgoingMail>(), It.IsAny<CancellationToken>())).Callback((OutgoingMail m, CancellationToken _) => sent.Add(m)).Returns(Task.CompletedTask);
        registrations = new ForwardingRegistrations(secrets, mail.Object, clock);
        stored = Inbox.Create(InboxId, AccountId, new InboxSettings { Name = "Support" }, Now)
            .WithChannel(new Channel(ChannelId, Settings, Now, ChannelOwnershipRules.AtConnection(ChannelKind.Email, Now)), Now);
        inboxes.Setup(s => s.Find(AccountId, InboxId, It.IsAny<CancellationToken>())).ReturnsAsync(() => new Versioned<Inbox>(stored, "\"v1\""));
        inboxes.Setup(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((Inbox inbox, string _, CancellationToken _) => stored = inbox)
            .ReturnsAsync((Inbox inbox, string _, CancellationToken _) => new Versioned<Inbox>(inbox, "\"v2\""));
        bindings.Setup(b => b.Claim(It.IsAny<ChannelBinding>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ChannelBinding binding, CancellationToken _) => new Versioned<ChannelBinding>(binding, "\"b1\""));
    }

    private ForwardingMailboxReader Reader()
    {
        var inboxUseCases = new InboxUseCases(inboxes.Object, bindings.Object, Mock.Of<IDirectoryStore>(), clock);
        return new ForwardingMailboxReader(store, new ForwardingChannels(inboxUseCases, registrations, clock), new EmailIntake(Mock.Of<IAttachmentStore>(), Mock.Of<IDirectoryStore>()), clock,
            NullLogger<ForwardingMailboxReader>.Instance);
    }

    private Mailbox Mailbox() => new(AccountId, InboxId, stored.FindChannel(ChannelId)!);

    private void Prove() => stored = stored.WithChannel(stored.FindChannel(ChannelId)! with { Ownership = ChannelOwnership.Proven(Now) }, Now);

    private async Task<MailboxRead> Read(string mime)
    {
        var raw = Encoding.ASCII.GetBytes(mime.ReplaceLineEndings("\r\n"));
        var name = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(raw));
        await store.Put(name, raw, default);
        return await Reader().Read(Mailbox(), new MailboxChange(EmailProvider.Forwarding, MailboxChangeKind.NewMail, AccountId, InboxId, ChannelId, name), default);
    }

    [Fact]
    public async Task A_forwarded_message_with_charsets_encoded_words_and_an_attachment_becomes_one_message()
    {
        Prove();

        var read = await Read(MimeMessageNormaliserTests.Original);

        var e = Assert.Single(read.Messages);
        Assert.Null(read.Checkpoint);
        Assert.Equal((InboundEventType.Message, "email:support@contoso.test", "<20261124170209.4f2a@mail.customer.test>"), (e.Type, e.BindingKey, e.ExternalId));
        Assert.Equal(new InboundSender("jose@customer.test", "José García", "jose@customer.test"), e.Sender);
        Assert.Equal("Réservation n° 42 café", e.Content.Subject);                                      // encoded words, two charsets
        Assert.StartsWith("Bonjour, le café de la réservation n° 42 était froid.", e.Content.Text);     // ISO-8859-1 quoted-printable
        Assert.Contains("<b>froid</b>", e.Content.Html);                                                 // UTF-8 base64
        Assert.Equal(Now, e.ReceivedAt);
    }

    [Fact]
    public async Task An_inline_image_travels_with_the_message_for_the_intake_to_store()
    {
        Prove();
        var raw = Encoding.ASCII.GetBytes(InlineImage.ReplaceLineEndings("\r\n"));

        var email = MimeMessageNormaliser.Normalise(raw, "email:support@contoso.test", Now).Value!;
        var read = await Read(InlineImage);

        var e = Assert.Single(read.Messages);
        Assert.Equal("Schäne Grüße", e.Content.Subject);
        Assert.Equal(new InboundSender("zoe@customer.test", "Zoë Müller", "zoe@customer.test"), e.Sender);
        Assert.Contains("Voilà le dégât:", e.Content.Text);
        // The intake stores the image and points the HTML at it: served by our API, never by the cid: reference.
        Assert.Contains($"<img src=\"/api/inboxes/{InboxId}/attachments/", e.Content.Html);
        Assert.DoesNotContain("cid:photo-1@customer.test", e.Content.Html);
        var image = Assert.Single(email.Attachments);
        Assert.Equal(("photo.png", "image/png", true), (image.Name, image.ContentType, image.IsInline));
        Assert.Equal(Png, image.Content!.ToArray());
    }

    [Fact]
    public async Task The_verification_message_proves_the_pending_address_and_is_consumed()
    {
        await registrations.SendVerification(AccountId, InboxId, stored.FindChannel(ChannelId)!, default);
        var verification = sent.Single();

        var read = await Read($"""
            From: Contoso Inbox <inbox@localhost>
            To: {verification.To}
            Subject: Fwd: {verification.Subject}
            Message-ID: <verify-1@localhost>

            {verification.PlainText}
            """);

        Assert.Empty(read.Messages);
        Assert.True(ChannelOwnershipRules.IsProven(stored.FindChannel(ChannelId)!));
        // The same message again, now that the address is proven, is still not a conversation.
        Assert.Empty((await Read($"From: inbox@localhost\nSubject: {verification.Subject}\nMessage-ID: <verify-1@localhost>\n\nagain\n")).Messages);
        Assert.Single((await Read(MimeMessageNormaliserTests.ReplyToOriginal)).Messages);
    }

    [Fact]
    public async Task Anything_else_for_a_pending_address_is_dropped()
    {
        await registrations.SendVerification(AccountId, InboxId, stored.FindChannel(ChannelId)!, default);

        Assert.Empty((await Read(MimeMessageNormaliserTests.Original)).Messages);
        Assert.Empty((await Read("From: x@evil.test\nSubject: inbox-verify-00000000000000000000\n\nguess\n")).Messages);
        Assert.False(ChannelOwnershipRules.IsProven(stored.FindChannel(ChannelId)!));
    }

    [Fact]
    public async Task A_message_that_cannot_be_read_or_is_gone_goes_to_the_dead_letter_path()
    {
        Prove();

        await Assert.ThrowsAsync<InvalidInboundMessageException>(() => Read("Subject: no sender at all\n\nwho sent this?\n"));
        await Assert.ThrowsAsync<InvalidInboundMessageException>(() => Reader().Read(Mailbox(),
            new MailboxChange(EmailProvider.Forwarding, MailboxChangeKind.NewMail, AccountId, InboxId, ChannelId, "no-such-blob"), default));
        Assert.Empty((await Reader().Read(Mailbox(), new MailboxChange(EmailProvider.Forwarding, MailboxChangeKind.CatchUp, AccountId, InboxId, ChannelId), default)).Messages);
    }
}
