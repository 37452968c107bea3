using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Core.Domain;
using Moq;

namespace InboxServerless.Azure.Tests.ServiceBus;

/// <summary>
/// A mocked <see cref="ServiceBusSender"/> that records what it sends. Its batches come from
/// <see cref="ServiceBusModelFactory.ServiceBusMessageBatch"/>, backed by a list, and are full once the bodies they hold
/// pass <paramref name="maxBatchBytes"/> (a message also counts <see cref="OverheadBytes"/> for its headers). A test
/// makes a send fail, or checks that nothing was asked of Service Bus, through <see cref="Mock"/>.
/// </summary>
public sealed class RecordingSender
{
    public const int OverheadBytes = 200;

    private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> open = [];

    public RecordingSender(long maxBatchBytes = 256 * 1024)
    {
        Mock.Setup(s => s.CreateMessageBatchAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() => NewBatch(maxBatchBytes));
        Mock.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusMessageBatch batch, CancellationToken _) => SentBatches.Add(open[batch].ToList()))
            .Returns(Task.CompletedTask);
    }

    public Mock<ServiceBusSender> Mock { get; } = new();

    public ServiceBusSender Object => Mock.Object;

    public List<IReadOnlyList<ServiceBusMessage>> SentBatches { get; } = [];

    public IEnumerable<ServiceBusMessage> Sent => SentBatches.SelectMany(b => b);

    private ServiceBusMessageBatch NewBatch(long maxBatchBytes)
    {
        var store = new List<ServiceBusMessage>();
        long size = 0;
        var batch = ServiceBusModelFactory.ServiceBusMessageBatch(
            batchSizeBytes: 0,
            batchMessageStore: store,
            batchOptions: new CreateMessageBatchOptions { MaxSizeInBytes = maxBatchBytes },
            tryAddCallback: message =>
            {
                var next = size + message.Body.ToMemory().Length + OverheadBytes;
                if (next > maxBatchBytes) return false;
                size = next;
                return true;
            });
        open[batch] = store;
        return batch;
    }
}

public static class InboundEvents
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static InboundEvent Messenger(string sender, string externalId, string text = "hello") => new()
    {
        Channel = ChannelKind.Messenger,
        Type = InboundEventType.Message,
        BindingKey = "messenger:page-1",
        ExternalId = externalId,
        Sender = new InboundSender(sender, "Ana"),
        Content = new InboundContent { Text = text, Attachments = [new Attachment("a.png", "image/png", "https://example.test/a.png")] },
        SentAt = Now.AddSeconds(-2),
        ReceivedAt = Now,
    };

    public static InboundEvent Email(string conversationId, string externalId) => new()
    {
        Channel = ChannelKind.Email,
        Type = InboundEventType.Message,
        BindingKey = "email:support@contoso.test",
        ExternalId = externalId,
        Sender = new InboundSender("ana@example.test", "Ana", "ana@example.test"),
        Thread = new ThreadHints { ConversationId = conversationId, References = ["<a@example.test>", "<b@example.test>"] },
        Content = new InboundContent { Subject = "Order 42", Html = "<p>Where is it?</p>", Text = "Where is it?" },
        SentAt = Now.AddMinutes(-1),
        ReceivedAt = Now,
    };

    /// <summary>A reader whose claim checks go nowhere: for messages that carry their event in the body.</summary>
    public static InboundMessageReader ReaderWithoutBlobs() =>
        new(new ClaimCheckStore(new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/claim-checks"))));
}
