using InboxServerless.Azure.Email.Gmail;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Functions.Timers;

/// <summary>Renews every Gmail watch daily at 03:17 UTC (a watch lapses after 7 days); late or twice is fine (<see cref="GmailWatchRenewal"/>).</summary>
public sealed class GmailWatchFunctions(GmailWatchRenewal renewal, ILogger<GmailWatchFunctions> logger)
{
    [Function("RenewGmailWatches")]
    public async Task Run([TimerTrigger("0 17 3 * * *")] TimerInfo timer, CancellationToken ct)
    {
        var result = await renewal.Run(ct);
        logger.LogInformation("Gmail watches: {Renewed} renewed, {Skipped} skipped, {Failed} failed{Late}",
            result.Renewed, result.Skipped, result.Failed, timer.IsPastDue ? " (past due)" : "");
    }
}
