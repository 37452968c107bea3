using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using InboxServerless.Azure.Email;
using InboxServerless.Azure.Secrets;
using InboxServerless.Azure.Tests.ServiceBus;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>
/// The forwarding webhook's contract, against Azurite: HTTP Basic with the channel's inbound secret, the raw message as
/// <c>message/rfc822</c> or in a form's <c>email</c> field, stored under its digest and queued as a mailbox change; and
/// every bad input a documented 4xx that stores and queues nothing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ForwardingInboundTests
{
    private const string ChannelId = "fwd-1";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly InMemorySecretStore secrets = new();
    private readonly List<InboundEvent> queued = [];
    private readonly Mock<IInboundQueue> queue = new();
    private readonly ForwardedMailStore store;
    private readonly ForwardingRegistrations registrations;
    private readonly string secret;

    public ForwardingInboundTests(AzuriteFixture azurite)
    {
        store = new ForwardedMailStore(new BlobContainerClient(azurite.Emulator.ConnectionString, "forwarded-" + Guid.NewGuid().ToString("N")[..12]));
        queue.Setup(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>()))
            .Callback((IReadOnlyList<InboundEvent> events, CancellationToken _) => queued.AddRange(events)).Returns(Task.CompletedTask);
        registrations = new ForwardingRegistrations(secrets, Mock.Of<IMailSender>(), new FakeTimeProvider(Now));
        var channel = new Channel(ChannelId, new EmailChannel
        {
            Provider = EmailProvider.Forwarding, Address = "Orders@Contoso.test",
            FromName = new FromName { Format = FromNameFormat.CompanyOnly, CompanyName = "Contoso" },
        }, Now, ChannelOwnership.Pending(Now.AddDays(7)));
        secret = registrations.IssueSecret("acct-1", "inbox-1", channel, default).GetAwaiter().GetResult();
    }

    private ForwardingInbound Inbound(ForwardedMailStore? other = null) => new(registrations, other ?? store, queue.Object, new FakeTimeProvider(Now));

    internal static string Basic(string password, string user = "sendgrid") =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private async Task<Outcome<ForwardedReceipt>> Post(string? authorization, string? contentType, byte[] body, string channelId = ChannelId)
    {
        var inbound = Inbound();
        return await inbound.Authenticate(channelId, authorization, default).Then(r => inbound.Receive(r, contentType, body, default));
    }

    /// <summary>An inbound-parse service's form (SendGrid's "raw" mode): a few fields, and the whole message in <c>email</c>.</summary>
    internal static (string ContentType, byte[] Body) Form(byte[] raw, string field = "email")
    {
        const string boundary = "xYzZY";
        var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.ASCII.GetBytes(text));
        Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\norders@contoso.test\r\n");
        Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n");
        body.Write(raw);
        Write($"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"spam_score\"\r\n\r\n0.1\r\n--{boundary}--\r\n");
        return ($"multipart/form-data; boundary={boundary}", body.ToArray());
    }

    private static byte[] Raw(string mime) => Encoding.ASCII.GetBytes(mime.ReplaceLineEndings("\r\n"));

    [Fact]
    public async Task A_raw_message_is_stored_under_its_digest_and_queued_as_a_change_of_the_mailbox()
    {
        var raw = Raw(MimeMessageNormaliserTests.Original);

        var received = await Post(Basic(secret), "message/rfc822", raw);

        Assert.True(received.IsSuccess, received.Problem?.Detail);
        var digest = Convert.ToHexStringLower(SHA256.HashData(raw));
        Assert.Equal(digest, received.Value!.Digest);
        Assert.Equal(raw, (await store.Get(digest, default))!.ToArray());
        var e = Assert.Single(queued);
        Assert.Equal((ChannelKind.Email, InboundEventType.MailboxChange, "email:orders@contoso.test", digest, "Orders@Contoso.test"),
            (e.Channel, e.Type, e.BindingKey, e.ExternalId, e.Sender.Id));
        Assert.Equal(new MailboxChange(EmailProvider.Forwarding, MailboxChangeKind.NewMail, "acct-1", "inbox-1", ChannelId, digest), e.Mailbox);
    }

    [Fact]
    public async Task A_form_carries_the_same_message_in_its_email_field_and_any_user_name_will_do()
    {
        var raw = Raw(MimeMessageNormaliserTests.Original);
        var (type, body) = Form(raw);

        var received = await Post(Basic(secret, user: "anything at all"), type, body);

        Assert.True(received.IsSuccess, received.Problem?.Detail);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(raw)), received.Value!.Digest);
        Assert.Equal(raw, (await store.Get(received.Value.Digest, default))!.ToArray());
    }

    [Fact]
    public async Task Mailguns_body_mime_field_carries_it_too()
    {
        var raw = Raw(MimeMessageNormaliserTests.ReplyToOriginal);
        var (type, body) = Form(raw, ForwardingInbound.MailgunFormField);

        var received = await Post(Basic(secret), type, body);

        Assert.Equal(raw, (await store.Get(received.Value!.Digest, default))!.ToArray());
    }

    [Fact]
    public async Task The_same_bytes_delivered_twice_are_one_blob_and_one_queue_message_id()
    {
        var raw = Raw(MimeMessageNormaliserTests.ReplyToOriginal);

        await Post(Basic(secret), "message/rfc822", raw);
        await Post(Basic(secret), "message/rfc822", raw);

        Assert.Equal(2, queued.Count);
        Assert.Equal(queued[0].MessageId, queued[1].MessageId); // the queue's duplicate detection drops the second
        Assert.Single(store.Container.GetBlobs());
    }

    public static TheoryData<string, string?, string?, byte[], ProblemKind> BadInput() => new()
    {
        { "no authorization", null, "message/rfc822", Raw(MimeMessageNormaliserTests.ReplyToOriginal), ProblemKind.Unauthenticated },
        { "a bearer token", "Bearer abc", "message/rfc822", Raw(MimeMessageNormaliserTests.ReplyToOriginal), ProblemKind.Unauthenticated },
        { "basic without a password", "Basic " + Convert.ToBase64String("user"u8.ToArray()), "message/rfc822", Raw(MimeMessageNormaliserTests.ReplyToOriginal), ProblemKind.Unauthenticated },
        { "basic that is not base64", "Basic %%%", "message/rfc822", Raw(MimeMessageNormaliserTests.ReplyToOriginal), ProblemKind.Unauthenticated },
        { "json", "ok", "application/json", "{}"u8.ToArray(), ProblemKind.UnsupportedMediaType },
        { "no content type", "ok", null, Raw(MimeMessageNormaliserTests.ReplyToOriginal), ProblemKind.UnsupportedMediaType },
        { "text", "ok", "text/plain", Raw(MimeMessageNormaliserTests.ReplyToOriginal), ProblemKind.UnsupportedMediaType },
        { "garbage", "ok", "message/rfc822", "\u0000\u0001 not mail at all\r\n"u8.ToArray(), ProblemKind.Invalid },
        { "no header before the body", "ok", "message/rfc822", "Hello there,\r\nthis is a body.\r\n"u8.ToArray(), ProblemKind.Invalid },
        { "empty", "ok", "message/rfc822", [], ProblemKind.Invalid },
        { "a form without the email field", "ok", Form(Raw(MimeMessageNormaliserTests.ReplyToOriginal), "text").ContentType,
            Form(Raw(MimeMessageNormaliserTests.ReplyToOriginal), "text").Body, ProblemKind.Invalid },
        { "a form without a boundary", "ok", "multipart/form-data", Raw(MimeMessageNormaliserTests.ReplyToOriginal), ProblemKind.Invalid },
        { "a message over 25 MB", "ok", "message/rfc822", Oversized(), ProblemKind.TooLarge },
    };

    private static byte[] Oversized()
    {
        var raw = new byte[MimeMessageNormaliser.MaxBytes + 1];
        Array.Fill(raw, (byte)'a');
        "Subject: big\r\n\r\n"u8.CopyTo(raw);
        return raw;
    }

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_a_documented_problem_and_stores_and_queues_nothing(
        string why, string? authorization, string? contentType, byte[] body, ProblemKind expected)
    {
        var received = await Post(authorization == "ok" ? Basic(secret) : authorization, contentType, body);

        Assert.False(received.IsSuccess, why);
        Assert.Equal(expected, received.Problem!.Kind);
        Assert.Empty(queued);
        Assert.False(await store.Container.ExistsAsync() && store.Container.GetBlobs().Any(), why);
    }

    [Fact]
    public async Task A_wrong_secret_and_an_unknown_channel_get_the_same_answer()
    {
        var raw = Raw(MimeMessageNormaliserTests.ReplyToOriginal);

        var wrong = await Post(Basic(secret + "x"), "message/rfc822", raw);
        var unknown = await Post(Basic(secret), "message/rfc822", raw, channelId: "no-such-channel");
        var rotated = await registrations.IssueSecret("acct-1", "inbox-1", new Channel(ChannelId, new EmailChannel
        {
            Provider = EmailProvider.Forwarding, Address = "Orders@Contoso.test",
        }, Now), default);
        var old = await Post(Basic(secret), "message/rfc822", raw);

        Assert.Equal(ForwardingInbound.Unauthenticated, wrong.Problem);
        Assert.Equal(ForwardingInbound.Unauthenticated, unknown.Problem);
        Assert.Equal(ForwardingInbound.Unauthenticated, old.Problem);
        Assert.True((await Post(Basic(rotated), "message/rfc822", raw)).IsSuccess);
        Assert.Single(queued);
    }

    [Fact]
    public async Task A_store_or_queue_that_fails_is_a_503_so_the_sender_delivers_again()
    {
        var raw = Raw(MimeMessageNormaliserTests.ReplyToOriginal);
        var unreachable = new ForwardedMailStore(new BlobContainerClient(
            new Uri("http://127.0.0.1:9/devstoreaccount1/forwarded"), new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } }));
        var inbound = Inbound(unreachable);

        var storeDown = await inbound.Authenticate(ChannelId, Basic(secret), default).Then(r => inbound.Receive(r, "message/rfc822", raw, default));
        queue.Setup(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>())).ThrowsAsync(new TimeoutException("queue"));
        var queueDown = await Post(Basic(secret), "message/rfc822", raw);
        var keyVault = new Mock<ISecretStore>();
        keyVault.Setup(k => k.Get(It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new TimeoutException("key vault"));
        var vaultDown = await new ForwardingInbound(new ForwardingRegistrations(keyVault.Object, Mock.Of<IMailSender>(), TimeProvider.System),
            store, queue.Object, TimeProvider.System).Authenticate(ChannelId, Basic(secret), default);

        Assert.Equal(ProblemKind.Unavailable, storeDown.Problem!.Kind);
        Assert.Equal(ProblemKind.Unavailable, queueDown.Problem!.Kind);
        Assert.Equal(ProblemKind.Unavailable, vaultDown.Problem!.Kind);
        Assert.Empty(queued);
    }
}
