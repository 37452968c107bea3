using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Messenger;

/// <summary>
/// How often and how long to wait before sending again. Only <see cref="MessengerError.Retryable"/> failures are
/// retried (rate limited, transient); a permanent one (window closed, person unavailable, token expired, other) never is.
/// The wait doubles with each attempt: <c>base × 2^(attempt − 1)</c>, at most <see cref="MaxDelay"/>, with no jitter
/// (few attempts, one conversation at a time).
/// </summary>
public sealed record MessengerRetryPolicy
{
    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan TransientDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Meta's rate limits are counted over minutes: wait longer than for a transient failure.</summary>
    public TimeSpan RateLimitedDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Waits; <c>null</c> waits on the clock (<see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>). Tests pass a recorder.</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; init; }

    public static readonly MessengerRetryPolicy Default = new();

    /// <summary>The wait before the next attempt after <paramref name="attempt"/> (1-based) failed; <c>null</c>: do not retry.</summary>
    public TimeSpan? DelayAfter(int attempt, MessengerError error)
    {
        if (!error.Retryable || attempt >= MaxAttempts) return null;
        var first = error.Kind == MessengerErrorKind.RateLimited ? RateLimitedDelay : TransientDelay;
        var ticks = first.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    public Task Wait(TimeSpan delay, TimeProvider clock, CancellationToken ct) =>
        Delay is { } delayer ? delayer(delay, ct) : Task.Delay(delay, clock, ct);
}

/// <summary>Runs a send with a <see cref="MessengerRetryPolicy"/>.</summary>
public static class MessengerRetry
{
    /// <param name="send">Called with the attempt number, from 1.</param>
    /// <returns>The last result and the number of attempts made.</returns>
    public static async Task<(SendResult Result, int Attempts)> Run(
        Func<int, CancellationToken, Task<SendResult>> send, MessengerRetryPolicy policy, TimeProvider clock, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await send(attempt, ct);
            if (result is not SendResult.Failed failed || policy.DelayAfter(attempt, failed.Error) is not { } delay) return (result, attempt);
            await policy.Wait(delay, clock, ct);
        }
    }
}
