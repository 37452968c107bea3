using System.Text;
using InboxServerless.Azure.Email.Gmail;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Local.Google;
using Moq;

namespace InboxServerless.Azure.Tests.Email.Gmail;

/// <summary>Pub/Sub's push of a Gmail notice, as Google documents it, through the webhook's use case; the queue and stores mocked.</summary>
public sealed class GmailInboundTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private const string Address = "support@contoso.com";

    private readonly FakeGoogleSigner google = new();
    private readonly FakeTimeProvider clock = new(Now);
    private readonly Mock<IInboundQueue> queue = new();
    private readonly Mock<IChannelBindingStore> bindings = new();
    private readonly Mock<IInboxStore> inboxes = new();
    private readonly List<InboundEvent> queued = [];

    public GmailInboundTests()
    {
        queue.Setup(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<InboundEvent>, CancellationToken>((events, _) => queued.AddRange(events)).Returns(Task.CompletedTask);
        var channel = new Channel("ch-1", new EmailChannel { Provider = EmailProvider.Gmail, Address = "Support@Contoso.com", FromName = new() { CompanyName = "Contoso" } },
            Now.AddDays(-1), ChannelOwnership.Proven(Now.AddDays(-1)));
        var inbox = Inbox.Create("in-1", "acc-1", new InboxSettings { Name = "Support" }, Now.AddDays(-1)).WithChannel(channel, Now.AddDays(-1));
        var key = channel.BindingKey.Value;
        bindings.Setup(b => b.Find(key, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<ChannelBinding>(new ChannelBinding(key, "acc-1", "in-1", "ch-1", Now.AddDays(-1)), "e1"));
        inboxes.Setup(i => i.Find("acc-1", "in-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Inbox>(inbox, "e2"));
    }

    private GmailInbound Inbound(GmailOptions? options = null) =>
        new(options ?? GooglePushTokenTests.Options(), new GooglePushToken(new GooglePushTokenTests.TestKeys(google), GooglePushTokenTests.Options(), clock),
            new ChannelResolver(bindings.Object, inboxes.Object, clock), queue.Object, clock);

    private string Token() => "Bearer " + google.PushToken(GooglePushTokenTests.Audience, GooglePushTokenTests.ServiceAccount, Now);

    private static byte[] Body(string address = Address, long historyId = 9876543) => Encoding.UTF8.GetBytes(FakeGoogle.PushBody(address, historyId, "2070443601311540"));

    [Fact]
    public async Task A_signed_push_for_a_held_mailbox_queues_one_mailbox_change_named_by_the_PubSub_message()
    {
        var receipt = await Inbound().Receive(Body(), Token(), CancellationToken.None);

        Assert.True(receipt.IsSuccess);
        Assert.True(receipt.Value!.Queued);
        var e = Assert.Single(queued);
        Assert.Equal((InboundEventType.MailboxChange, ChannelKind.Email, "email:support@contoso.com", "gmail:2070443601311540"),
            (e.Type, e.Channel, e.BindingKey, e.ExternalId));
        Assert.Equal(new MailboxChange(EmailProvider.Gmail, MailboxChangeKind.NewMail, "acc-1", "in-1", "ch-1", Reference: "9876543"), e.Mailbox);
        Assert.Equal(Address, e.Sender.Id);
    }

    [Fact]
    public async Task A_push_for_an_address_no_channel_holds_is_acknowledged_and_queues_nothing()
    {
        var receipt = await Inbound().Receive(Body("gone@contoso.com"), Token(), CancellationToken.None);
        Assert.False(receipt.Value!.Queued);
        Assert.Empty(queued);
    }

    [Fact]
    public async Task A_push_without_a_good_token_is_unauthenticated_before_its_body_is_read()
    {
        var refused = await Inbound().Receive(Encoding.UTF8.GetBytes("not even JSON"), "Bearer forged", CancellationToken.None);
        Assert.Equal(ProblemKind.Unauthenticated, refused.Problem?.Kind);
        Assert.Empty(queued);
    }

    [Theory]
    [InlineData("""{"message":{"data":"eyJ9","messageId":"1"}}""", "message.data")]
    [InlineData("""{"message":{"data":"%%%","messageId":"1"}}""", "message.data")]
    [InlineData("""{"message":{"data":"eyJlbWFpbEFkZHJlc3MiOiJhQGIuYyJ9","messageId":"1"}}""", "message.data.historyId")]
    [InlineData("""{"message":{"data":"eyJoaXN0b3J5SWQiOjF9","messageId":"1"}}""", "message.data.emailAddress")]
    [InlineData("""{"message":{"data":"eyJoaXN0b3J5SWQiOjF9"}}""", "message.messageId")]
    [InlineData("""{"subscription":"s"}""", "message")]
    [InlineData("""[1]""", "message")]
    [InlineData("""{"message":""", "$")]
    public async Task A_body_that_is_not_a_Gmail_notice_is_invalid_naming_its_field(string body, string field)
    {
        var refused = await Inbound().Receive(Encoding.UTF8.GetBytes(body), Token(), CancellationToken.None);
        Assert.Equal(ProblemKind.Invalid, refused.Problem?.Kind);
        Assert.Equal(field, refused.Problem!.Errors![0].Field);
        Assert.Empty(queued);
    }

    [Fact]
    public async Task A_queue_that_fails_is_unavailable_so_PubSub_pushes_again()
    {
        queue.Setup(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>())).ThrowsAsync(new TimeoutException());
        var refused = await Inbound().Receive(Body(), Token(), CancellationToken.None);
        Assert.Equal(ProblemKind.Unavailable, refused.Problem?.Kind);
    }

    [Fact]
    public async Task Without_the_expected_audience_and_account_every_push_is_unavailable()
    {
        var refused = await Inbound(new GmailOptions()).Receive(Body(), Token(), CancellationToken.None);
        Assert.Equal(GmailInbound.NotConfigured, refused.Problem);
    }

    public void Dispose() => google.Dispose();
}
