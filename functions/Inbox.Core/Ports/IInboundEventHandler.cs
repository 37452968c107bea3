using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>What consumes the queue: one event at a time per session. Throwing asks for a redelivery.</summary>
public interface IInboundEventHandler
{
    Task Handle(InboundEvent inboundEvent, CancellationToken ct);

    /// <summary>
    /// The <paramref name="deliveryCount"/>th delivery of the event (1 the first time), which the queue dead-letters
    /// when it throws on its last; what must record a final failure (a reply's send) needs to know.
    /// </summary>
    Task Handle(InboundEvent inboundEvent, int deliveryCount, CancellationToken ct) => Handle(inboundEvent, ct);
}

/// <summary>Which delivery of a queue message this is, of the <paramref name="MaxCount"/> the queue allows before dead-lettering it.</summary>
public readonly record struct DeliveryAttempt(int Count, int MaxCount)
{
    /// <summary>The queue dead-letters the message if this delivery fails.</summary>
    public bool IsLast => Count >= MaxCount;
}
