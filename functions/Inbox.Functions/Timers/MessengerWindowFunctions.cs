using InboxServerless.Core.Application.Messenger;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Functions.Timers;

/// <summary>
/// The 7-day window timer: every 15 minutes (NCRONTAB with seconds, UTC), warns of Messenger windows closing within a
/// day and marks the ones that closed. A run that comes late or twice does each step once (<see cref="MessengerWindowWatch"/>).
/// </summary>
public sealed class MessengerWindowFunctions(MessengerWindowWatch watch, ILogger<MessengerWindowFunctions> logger)
{
    [Function("WatchMessengerWindows")]
    public async Task Run([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var result = await watch.Run(ct);
        logger.LogInformation("Messenger windows: {Warned} warned, {Closed} marked closed, {Skipped} changed meanwhile, {Failed} warnings not sent{Late}",
            result.Warned, result.Closed, result.Skipped, result.Failed, timer.IsPastDue ? " (past due)" : "");
    }
}
