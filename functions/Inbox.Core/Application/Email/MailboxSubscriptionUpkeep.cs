using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Email;

/// <summary>What one run of the upkeep did.</summary>
public sealed record UpkeepResult(int Renewed, int Recreated, int CatchUps, int Failed);

/// <summary>
/// The Graph subscriptions' timer: renews each one about to lapse (creating it again when Graph forgot it), and queues a
/// catch-up for each mailbox quiet for longer than the silence threshold or just recreated, so mail of a silent gap is
/// read too. Run late or twice, it does each once: a renewed subscription is out of the margin, and a catch-up's queue id
/// is the same until the mailbox is heard of again (<see cref="MailboxSubscriptionRules.CatchUpId"/>).
/// </summary>
public sealed class MailboxSubscriptionUpkeep(
    IMailboxSubscriptionStore store, GraphSubscriptions subscriptions, IInboundQueue queue, SubscriptionUpkeepPolicy policy, TimeProvider clock)
{
    public async Task<UpkeepResult> Run(CancellationToken ct)
    {
        int renewed = 0, recreated = 0, catchUps = 0, failed = 0;
        var now = clock.GetUtcNow();
        var queued = new List<InboundEvent>();
        foreach (var subscription in await store.List(ct))
        {
            var needs = MailboxSubscriptionRules.Needs(subscription, now, policy);
            var current = subscription;
            if (needs.HasFlag(SubscriptionUpkeep.Renew))
            {
                try
                {
                    (current, var again) = await subscriptions.Renew(subscription, ct);
                    if (again) { recreated++; needs |= SubscriptionUpkeep.CatchUp; }
                    else renewed++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed++; // tried again on the next run, well before it lapses
                }
            }

            if (needs.HasFlag(SubscriptionUpkeep.CatchUp))
                queued.Add(MailboxChangeEvents.Of(current, MailboxChangeKind.CatchUp, MailboxSubscriptionRules.CatchUpId(subscription), null, now));
        }

        if (queued.Count > 0) await queue.Enqueue(queued, ct);
        catchUps = queued.Count;
        return new UpkeepResult(renewed, recreated, catchUps, failed);
    }
}
