using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email;

/// <summary>A Graph delivery acknowledged: the changes queued and the items dropped (not Graph's, or not ours).</summary>
public sealed record GraphReceipt(int Queued, IReadOnlyList<DroppedNotification> Dropped);

/// <summary>
/// Receives Graph's change and lifecycle notifications: each item's clientState is checked against its subscription's,
/// in constant time (<see cref="GraphNotifications.Parse"/>), the others are dropped, and each item left becomes one small
/// mailbox change on the queue. It never calls Graph: the consumer reads the mailbox
/// (<see cref="GraphMailboxReader"/>). Acknowledged (202) only once every change is queued; a store or queue that fails
/// is a 503, and Graph delivers again.
/// </summary>
public sealed class GraphInbound(GraphSubscriptionCache subscriptions, IInboundQueue queue, TimeProvider clock)
{
    /// <summary>Distinct subscriptions one delivery may name; Graph batches a few, a flood of ids is not Graph.</summary>
    public const int MaxSubscriptionsPerDelivery = 100;

    private static readonly Problem Unavailable = new(ProblemKind.Unavailable, "The notifications could not be queued.",
        "The store or the queue is unavailable; the delivery is to be retried.");

    public async Task<Outcome<GraphReceipt>> Receive(ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        // A first, light reading names the subscriptions, so their clientStates are at hand (the parser asks for them synchronously).
        if (GraphNotifications.SubscriptionIds(body.Span) is not { } named)
            return GraphNotifications.Parse(body.Span, _ => null).Problem ?? Problem.Invalid("$", "Not a Graph notification.");
        if (named.Count > MaxSubscriptionsPerDelivery)
            return Problem.Invalid("value", $"A delivery names at most {MaxSubscriptionsPerDelivery} subscriptions.");

        var known = new Dictionary<string, KnownSubscription>(StringComparer.Ordinal);
        try
        {
            foreach (var id in named)
            {
                // Graph's subscription ids are GUIDs: anything else is nobody's, and is not worth a lookup (nor a valid Cosmos id).
                if (Guid.TryParseExact(id, "D", out _) && await subscriptions.Find(id, ct) is { } found) known[id] = found;
            }

            var parsed = GraphNotifications.Parse(body.Span, id => known.TryGetValue(id, out var k) ? k.ClientState : null);
            if (!parsed.IsSuccess) return parsed.Problem!;
            var batch = parsed.Value!;
            var now = clock.GetUtcNow();
            var events = new List<InboundEvent>(batch.Messages.Count + batch.Lifecycle.Count);
            foreach (var message in batch.Messages)
            {
                var subscription = known[message.SubscriptionId].Subscription;
                events.Add(MailboxChangeEvents.Of(subscription, MailboxChangeKind.NewMail,
                    $"graph:{message.SubscriptionId}:{message.MessageId}", message.Resource, now));
            }

            foreach (var lifecycle in batch.Lifecycle)
            {
                var subscription = known[lifecycle.SubscriptionId].Subscription;
                var (kind, name) = lifecycle.Kind switch
                {
                    GraphLifecycleKind.ReauthorizationRequired => (MailboxChangeKind.Reauthorize, "reauthorize"),
                    GraphLifecycleKind.SubscriptionRemoved => (MailboxChangeKind.Recreate, "recreate"),
                    _ => (MailboxChangeKind.CatchUp, "missed"),
                };
                // A lifecycle notice has no id of its own: a redelivery within the minute is one change, a later one is
                // read again, which is harmless (each is idempotent).
                events.Add(MailboxChangeEvents.Of(subscription, kind, $"graph:{lifecycle.SubscriptionId}:{name}:{now:yyyyMMddHHmm}", lifecycle.Resource, now));
            }

            if (events.Count > 0) await queue.Enqueue(events, ct);
            return new GraphReceipt(events.Count, batch.Dropped);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            return Unavailable;
        }
    }
}
