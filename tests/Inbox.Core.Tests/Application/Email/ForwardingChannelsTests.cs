using System.Text.Json;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using InboxServerless.Core.Tests.Application.Messenger;
using Moq;

namespace InboxServerless.Core.Tests.Application.Email;

/// <summary>
/// A forwarding address: its inbound secret (shown once, only its hash kept), its verification message, and the proof
/// that message brings back. The stores are mocked at their ports, the secret store is an in-memory fake.
/// </summary>
public sealed class ForwardingChannelsTests
{
    private const string ChannelId = "fwd-1";
    private const string Address = "orders@acme.com";
    private static readonly Caller Alice = new(TestData.AccountId, "alice", new HashSet<Role> { Role.AccountAdmin });
    private static readonly Caller Bob = new(TestData.AccountId, "bob", new HashSet<Role> { Role.Member });

    private static readonly EmailChannel Forwarding = new()
    {
        Provider = EmailProvider.Forwarding,
        Address = Address,
        FromName = new FromName { Format = FromNameFormat.CompanyOnly, CompanyName = "Acme" },
    };

    private static readonly Channel Pending =
        new(ChannelId, Forwarding, TestData.T0, ChannelOwnershipRules.AtConnection(ChannelKind.Email, TestData.T0));

    private readonly Mock<IInboxStore> inboxes = new();
    private readonly Mock<IChannelBindingStore> bindings = new();
    private readonly Mock<IDirectoryStore> directories = new();
    private readonly FakeSecretStore secrets = new();
    private readonly List<OutgoingMail> sent = [];
    private readonly FakeTimeProvider clock = new(TestData.T0.AddMinutes(5));
    private Inbox stored = TestData.AnInbox().WithChannel(Pending, TestData.T0);

    public ForwardingChannelsTests()
    {
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new Versioned<Inbox>(stored, "\"v1\""));
        inboxes.Setup(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((Inbox inbox, string _, CancellationToken _) => stored = inbox)
            .ReturnsAsync((Inbox inbox, string _, CancellationToken _) => new Versioned<Inbox>(inbox, "\"v2\""));
        bindings.Setup(b => b.Claim(It.IsAny<ChannelBinding>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ChannelBinding binding, CancellationToken _) => new Versioned<ChannelBinding>(binding, "\"b1\""));
        directories.Setup(d => d.Load(TestData.AccountId, It.IsAny<CancellationToken>())).ReturnsAsync(TestData.AcmeDirectory);
    }

    private ForwardingRegistrations Registrations()
    {
        var mail = new Mock<IMailSender>();
        mail.Setup(m => m.Send(It.IsAny<OutgoingMail>(), It.IsAny<CancellationToken>()))
            .Callback((OutgoingMail m, CancellationToken _) => sent.Add(m)).Returns(Task.CompletedTask);
        return new ForwardingRegistrations(secrets, mail.Object, clock);
    }

    private ForwardingChannels Use() =>
        new(new InboxUseCases(inboxes.Object, bindings.Object, directories.Object, clock), Registrations(), clock);

    private ForwardingRegistration Registration(string channelId = ChannelId) =>
        JsonSerializer.Deserialize<ForwardingRegistration>(secrets.Secrets[SecretNames.ForwardingInbound(channelId)], JsonSerializerOptions.Web)!;

    private Mailbox Mailbox() => new(TestData.AccountId, TestData.InboxId, stored.FindChannel(ChannelId)!);

    private static string SubjectCode(OutgoingMail mail) => ForwardingRules.CodeIn(mail.Subject)!;

    [Fact]
    public async Task Connecting_shows_the_secret_once_keeps_only_its_hash_and_sends_the_code_to_the_address()
    {
        stored = TestData.AnInbox();

        var connected = await Use().Connect(Alice, TestData.InboxId, Forwarding, default);

        Assert.True(connected.IsSuccess, connected.Problem?.Detail);
        var secret = connected.Value!.InboundSecret!;
        Assert.Equal(43, secret.Length); // 32 bytes, base64url without padding
        Assert.Equal(OwnershipState.Pending, connected.Value.Channel.Value.Ownership!.State);
        var registration = Registration(connected.Value.Channel.Value.Id);
        Assert.Equal((TestData.AccountId, TestData.InboxId, connected.Value.Channel.Value.Id, Address),
            (registration.AccountId, registration.InboxId, registration.ChannelId, registration.Address));
        Assert.True(ForwardingRules.Matches(secret, registration.SecretHash));
        Assert.DoesNotContain(secret, secrets.Secrets.Values.Single());
        var verification = Assert.Single(sent);
        Assert.Equal(Address, verification.To);
        Assert.Contains(ForwardingRules.CodePrefix, verification.Subject);
        Assert.True(ForwardingRules.Matches(SubjectCode(verification), registration.CodeHash));
        Assert.DoesNotContain(SubjectCode(verification), secrets.Secrets.Values.Single());
        Assert.Equal("auto-generated", verification.Headers["Auto-Submitted"]);
    }

    [Fact]
    public async Task Other_channels_get_no_secret_and_no_message()
    {
        stored = TestData.AnInbox();

        var connected = await Use().Connect(Alice, TestData.InboxId, new FormChannel { FormId = "contact" }, default);

        Assert.Null(connected.Value!.InboundSecret);
        Assert.Empty(sent);
        Assert.Empty(secrets.Secrets);
    }

    [Fact]
    public async Task Rotating_replaces_the_secret_for_admins_of_a_forwarding_channel_only()
    {
        var use = Use();
        var first = await use.RotateSecret(Alice, TestData.InboxId, ChannelId, default);
        var second = await use.RotateSecret(Alice, TestData.InboxId, ChannelId, default);

        Assert.False(ForwardingRules.Matches(first.Value!.Secret, Registration().SecretHash));
        Assert.True(ForwardingRules.Matches(second.Value!.Secret, Registration().SecretHash));
        Assert.Single(sent); // the channel had no registration: the first rotation made it, with its verification message
        Assert.Equal(ProblemKind.Forbidden, (await use.RotateSecret(Bob, TestData.InboxId, ChannelId, default)).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await use.RotateSecret(Alice, TestData.InboxId, TestData.EmailChannelId, default)).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await use.RotateSecret(Alice, "other-inbox", ChannelId, default)).Problem!.Kind);
    }

    [Fact]
    public async Task The_code_coming_back_proves_the_address_once_and_a_redelivery_is_still_consumed()
    {
        var use = Use();
        await use.ResendVerification(Alice, TestData.InboxId, ChannelId, default);
        var subject = "Fwd: " + sent.Single().Subject;

        Assert.Equal(Verification.Proven, await use.Verify(Mailbox(), subject, default));
        Assert.True(ChannelOwnershipRules.IsProven(stored.FindChannel(ChannelId)!));
        bindings.Verify(b => b.Claim(It.Is<ChannelBinding>(c => c.ChannelId == ChannelId && c.Key == "email:orders@acme.com"), It.IsAny<CancellationToken>()));

        Assert.Equal(Verification.Proven, await use.Verify(Mailbox(), subject, default));
        inboxes.Verify(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(Verification.None, await use.Verify(Mailbox(), "Order 4711", default));
    }

    [Fact]
    public async Task A_wrong_an_expired_or_a_replaced_code_proves_nothing()
    {
        var use = Use();
        await use.ResendVerification(Alice, TestData.InboxId, ChannelId, default);
        var old = sent.Single().Subject;
        await use.ResendVerification(Alice, TestData.InboxId, ChannelId, default);

        Assert.Equal(Verification.Refused, await use.Verify(Mailbox(), old, default));
        Assert.Equal(Verification.Refused, await use.Verify(Mailbox(), "inbox-verify-00000000000000000000", default));
        Assert.Equal(Verification.None, await use.Verify(Mailbox(), "Hello", default));
        clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(Verification.Refused, await use.Verify(Mailbox(), sent[1].Subject, default));
        Assert.False(ChannelOwnershipRules.IsProven(stored.FindChannel(ChannelId)!));
        inboxes.Verify(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Another_accounts_proven_address_stays_theirs()
    {
        var use = Use();
        await use.ResendVerification(Alice, TestData.InboxId, ChannelId, default);
        var theirs = new ChannelBinding("email:orders@acme.com", "contoso", "their-inbox", "their-channel", TestData.T0);
        var theirInbox = Inbox.Create("their-inbox", "contoso", new InboxSettings { Name = "Orders" }, TestData.T0)
            .WithChannel(new Channel("their-channel", Forwarding, TestData.T0, ChannelOwnership.Proven(TestData.T0)), TestData.T0);
        bindings.Setup(b => b.Find("email:orders@acme.com", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<ChannelBinding>(theirs, "\"b0\""));
        inboxes.Setup(s => s.Find("contoso", "their-inbox", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Inbox>(theirInbox, "\"t1\""));

        Assert.Equal(Verification.Refused, await use.Verify(Mailbox(), sent.Single().Subject, default));
        Assert.False(ChannelOwnershipRules.IsProven(stored.FindChannel(ChannelId)!));
    }

    [Fact]
    public async Task The_message_is_sent_again_with_a_new_code_until_the_address_is_proven()
    {
        var use = Use();

        Assert.True((await use.ResendVerification(Alice, TestData.InboxId, ChannelId, default)).IsSuccess);
        Assert.True((await use.ResendVerification(Alice, TestData.InboxId, ChannelId, default)).IsSuccess);
        Assert.NotEqual(SubjectCode(sent[0]), SubjectCode(sent[1]));
        Assert.Equal(ProblemKind.Forbidden, (await use.ResendVerification(Bob, TestData.InboxId, ChannelId, default)).Problem!.Kind);
        await use.Verify(Mailbox(), sent[1].Subject, default);
        Assert.Equal(ProblemKind.Conflict, (await use.ResendVerification(Alice, TestData.InboxId, ChannelId, default)).Problem!.Kind);
        Assert.Equal(2, sent.Count);
    }

    [Fact]
    public async Task The_connector_registers_once_and_forgets_the_address_when_the_channel_goes()
    {
        var connector = new ForwardingChannelConnector(Registrations());

        await connector.Connect(TestData.AccountId, TestData.InboxId, Pending, default);
        await connector.Connect(TestData.AccountId, TestData.InboxId, Pending, default); // a retried activity
        await connector.Connect(TestData.AccountId, TestData.InboxId, stored.FindChannel(TestData.EmailChannelId)!, default); // Gmail: not ours

        Assert.Single(sent);
        Assert.Single(secrets.Secrets);
        Assert.Null(await connector.Disconnect(TestData.AccountId, TestData.InboxId, Pending, heldElsewhere: false, default));
        Assert.Empty(secrets.Secrets);
    }
}
