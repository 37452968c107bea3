using InboxServerless.Core.Application.Email;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Functions.Timers;

/// <summary>
/// The Graph subscriptions' upkeep: every 30 minutes (NCRONTAB with seconds, UTC), renews those about to lapse, creates
/// again those Graph forgot, and catches up quiet mailboxes. Late or twice, it does each once (<see cref="MailboxSubscriptionUpkeep"/>).
/// </summary>
public sealed class GraphSubscriptionFunctions(MailboxSubscriptionUpkeep upkeep, ILogger<GraphSubscriptionFunctions> logger)
{
    [Function("KeepGraphSubscriptions")]
    public async Task Run([TimerTrigger("0 */30 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var result = await upkeep.Run(ct);
        logger.LogInformation("Graph subscriptions: {Renewed} renewed, {Recreated} created again, {CatchUps} catch-ups queued, {Failed} failed{Late}",
            result.Renewed, result.Recreated, result.CatchUps, result.Failed, timer.IsPastDue ? " (past due)" : "");
    }
}
