namespace InboxServerless.Azure.ServiceBus;

/// <summary>
/// The <c>ServiceBus</c> section: the namespace (managed identity) or a connection string, and the queue. The Functions
/// host's Service Bus trigger reads the same section (<c>Connection = "ServiceBus"</c>, so
/// <c>ServiceBus__fullyQualifiedNamespace</c>), so one setting serves the sender and the consumer.
/// </summary>
public sealed class ServiceBusQueueOptions
{
    public const string Section = "ServiceBus";

    /// <summary>The queue's name when none is configured, and the one the consumer's trigger listens to.</summary>
    public const string DefaultQueueName = "inbound-events";

    /// <summary>
    /// A Standard-tier message is at most 256 KB, headers and application properties included, so an event's JSON
    /// above this many bytes travels by claim check. The margin leaves room for the headers.
    /// </summary>
    public const int DefaultMaxBodyBytes = 240 * 1024;

    /// <summary><c>&lt;namespace&gt;.servicebus.windows.net</c>: connects with <c>DefaultAzureCredential</c>.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>A connection string (SAS); takes precedence over <see cref="FullyQualifiedNamespace"/>.</summary>
    public string? ConnectionString { get; set; }

    public string QueueName { get; set; } = DefaultQueueName;

    /// <summary>
    /// The queue's <c>maxDeliveryCount</c> (infra/servicebus.bicep: 10): on that delivery a failure dead-letters the
    /// message, so the consumer records a reply's send as failed for good.
    /// </summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>Events whose JSON is larger than this go to a claim-check blob (<see cref="DefaultMaxBodyBytes"/>).</summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;
}

/// <summary>The <c>ClaimChecks</c> section: where events too large for a message are kept.</summary>
public sealed class ClaimCheckOptions
{
    public const string Section = "ClaimChecks";
    public const string DefaultContainerName = "claim-checks";

    /// <summary><c>https://&lt;account&gt;.blob.core.windows.net/</c>: connects with <c>DefaultAzureCredential</c>.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>A storage connection string; takes precedence over <see cref="BlobServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    public string ContainerName { get; set; } = DefaultContainerName;
}
