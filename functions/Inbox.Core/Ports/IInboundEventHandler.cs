using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>What consumes the queue: one event at a time per session. Throwing asks for a redelivery.</summary>
public interface IInboundEventHandler
{
    Task Handle(InboundEvent inboundEvent, CancellationToken ct);
}
