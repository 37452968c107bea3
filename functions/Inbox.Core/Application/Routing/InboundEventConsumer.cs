using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.DurableTask.Client;

namespace InboxServerless.Core.Application.Routing;

/// <summary>
/// What the queue's consumer does with an event: routes it, or, for a mailbox change, reads the messages it names and
/// routes each in turn, or sends a queued reply. The queue message is completed only once all of them are routed; a
/// redelivery reads them again and finds them routed (<see cref="RoutingStarter"/>), or the reply sent.
/// </summary>
public sealed class InboundEventConsumer(MailboxChanges mailboxes, EmailReplies replies)
{
    public async Task Consume(DurableTaskClient durable, InboundEvent inbound, DeliveryAttempt attempt, CancellationToken ct)
    {
        if (inbound.Reply is { } reply)
        {
            await replies.Send(reply, attempt, ct);
            return;
        }

        if (inbound.Mailbox is not { } change)
        {
            await RoutingStarter.Route(durable, inbound, ct);
            return;
        }

        await mailboxes.Handle(change, message => RoutingStarter.Route(durable, message, ct), ct);
    }
}
