using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using Microsoft.DurableTask.Client;

namespace InboxServerless.Core.Application.Routing;

/// <summary>
/// What the queue's consumer does with an event: routes it, or, for a mailbox change, reads the messages it names and
/// routes each in turn. The queue message is completed only once all of them are routed; a redelivery reads them again
/// and finds them routed (<see cref="RoutingStarter"/>).
/// </summary>
public sealed class InboundEventConsumer(MailboxChanges mailboxes)
{
    public async Task Consume(DurableTaskClient durable, InboundEvent inbound, CancellationToken ct)
    {
        if (inbound.Mailbox is not { } change)
        {
            await RoutingStarter.Route(durable, inbound, ct);
            return;
        }

        await mailboxes.Handle(change, message => RoutingStarter.Route(durable, message, ct), ct);
    }
}
