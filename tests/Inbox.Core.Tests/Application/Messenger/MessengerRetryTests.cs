using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Tests.Application.Messenger;

public sealed class MessengerRetryTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_wait_doubles_with_each_attempt_and_is_capped()
    {
        var policy = new MessengerRetryPolicy { MaxAttempts = 6, TransientDelay = TimeSpan.FromSeconds(1), RateLimitedDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromSeconds(10) };
        var transient = new MessengerError(MessengerErrorKind.Transient, "x");
        var limited = new MessengerError(MessengerErrorKind.RateLimited, "x");

        Assert.Equal([1, 2, 4, 8, 10], Enumerable.Range(1, 5).Select(a => policy.DelayAfter(a, transient)!.Value.TotalSeconds));
        Assert.Equal([3, 6, 10, 10, 10], Enumerable.Range(1, 5).Select(a => policy.DelayAfter(a, limited)!.Value.TotalSeconds));
        Assert.Null(policy.DelayAfter(6, transient)); // the last attempt is not followed by a wait
    }

    [Theory]
    [InlineData(MessengerErrorKind.WindowClosed)]
    [InlineData(MessengerErrorKind.UserUnavailable)]
    [InlineData(MessengerErrorKind.TokenExpired)]
    [InlineData(MessengerErrorKind.Other)]
    public void Permanent_failures_are_not_retried(MessengerErrorKind kind) =>
        Assert.Null(MessengerRetryPolicy.Default.DelayAfter(1, new MessengerError(kind, "x")));

    [Fact]
    public async Task Run_retries_transient_failures_with_the_policys_waits_then_stops()
    {
        var waits = new List<TimeSpan>();
        var policy = new MessengerRetryPolicy { MaxAttempts = 3, Delay = (d, _) => { waits.Add(d); return Task.CompletedTask; } };
        var attempts = new List<int>();

        var (result, count) = await MessengerRetry.Run((attempt, _) =>
        {
            attempts.Add(attempt);
            return Task.FromResult<SendResult>(GraphErrors.Transient);
        }, policy, new FakeTimeProvider(Now), CancellationToken.None);

        Assert.IsType<SendResult.Failed>(result);
        Assert.Equal(3, count);
        Assert.Equal([1, 2, 3], attempts);
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], waits);
    }

    [Fact]
    public async Task Run_stops_at_the_first_success_or_permanent_failure()
    {
        var policy = new MessengerRetryPolicy { Delay = (_, _) => Task.CompletedTask };
        var answers = new Queue<SendResult>([GraphErrors.RateLimited, new SendResult.Sent("m_9", "PSID")]);

        var (sent, count) = await MessengerRetry.Run((_, _) => Task.FromResult(answers.Dequeue()), policy, new FakeTimeProvider(Now), CancellationToken.None);
        Assert.Equal((new SendResult.Sent("m_9", "PSID"), 2), ((SendResult.Sent)sent, count));

        var (failed, once) = await MessengerRetry.Run((_, _) => Task.FromResult<SendResult>(GraphErrors.WindowClosed), policy, new FakeTimeProvider(Now), CancellationToken.None);
        Assert.Equal((MessengerErrorKind.WindowClosed, 1), (((SendResult.Failed)failed).Kind, once));
    }
}
