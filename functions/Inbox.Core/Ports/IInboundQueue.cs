using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>
/// Where webhooks and timers put inbound events. <see cref="Enqueue"/> returns only once every event is safely queued,
/// and throws otherwise: the caller then answers 5xx so the sender retries. Delivery is at least once, in order per
/// <see cref="InboundEvent.SessionKey"/>; duplicates by <see cref="InboundEvent.MessageId"/> may be dropped.
/// </summary>
public interface IInboundQueue
{
    Task Enqueue(IReadOnlyList<InboundEvent> events, CancellationToken ct);
}
