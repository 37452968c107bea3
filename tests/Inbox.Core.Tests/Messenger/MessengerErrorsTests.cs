using InboxServerless.Core.Channels.Messenger;
using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Tests.MessengerSending;

public sealed class MessengerErrorsTests
{
    [Theory]
    [InlineData(400, 10, 2018278, MessengerErrorKind.WindowClosed)]
    [InlineData(400, 551, null, MessengerErrorKind.UserUnavailable)]
    [InlineData(400, 200, 1545041, MessengerErrorKind.UserUnavailable)]
    [InlineData(400, 551, 1545041, MessengerErrorKind.UserUnavailable)]
    [InlineData(400, 4, null, MessengerErrorKind.RateLimited)]
    [InlineData(400, 17, null, MessengerErrorKind.RateLimited)]
    [InlineData(400, 32, null, MessengerErrorKind.RateLimited)]
    [InlineData(400, 613, null, MessengerErrorKind.RateLimited)]
    [InlineData(429, null, null, MessengerErrorKind.RateLimited)]
    [InlineData(401, 190, 463, MessengerErrorKind.TokenExpired)]
    [InlineData(400, 190, null, MessengerErrorKind.TokenExpired)]
    [InlineData(500, 1, null, MessengerErrorKind.Transient)]
    [InlineData(500, 2, null, MessengerErrorKind.Transient)]
    [InlineData(400, 2, null, MessengerErrorKind.Transient)]
    [InlineData(503, null, null, MessengerErrorKind.Transient)]
    [InlineData(400, 10, null, MessengerErrorKind.Other)] // code 10 without the window's subcode is a permission error
    [InlineData(400, 100, null, MessengerErrorKind.Other)] // e.g. a refused tag (ACCOUNT_UPDATE, … since 27 April 2026)
    [InlineData(403, 200, null, MessengerErrorKind.Other)]
    public void Meta_error_numbers_are_classified(int? http, int? code, int? subcode, MessengerErrorKind kind) =>
        Assert.Equal(kind, MessengerErrors.Classify(http, code, subcode));

    [Theory]
    [InlineData(MessengerErrorKind.RateLimited, true)]
    [InlineData(MessengerErrorKind.Transient, true)]
    [InlineData(MessengerErrorKind.WindowClosed, false)]
    [InlineData(MessengerErrorKind.UserUnavailable, false)]
    [InlineData(MessengerErrorKind.TokenExpired, false)]
    [InlineData(MessengerErrorKind.Other, false)]
    public void Only_rate_limits_and_transient_failures_are_retryable(MessengerErrorKind kind, bool retryable) =>
        Assert.Equal(retryable, new MessengerError(kind, "x").Retryable);

    [Fact]
    public void A_text_is_refused_when_blank_or_over_2000_characters()
    {
        Assert.True(MessengerText.Create(new string('a', 2_000)).IsSuccess);
        var tooLong = MessengerText.Create(new string('a', 2_001));
        Assert.Equal(ProblemKind.Invalid, tooLong.Problem?.Kind);
        Assert.Contains("2,000", tooLong.Problem!.Detail);
        Assert.False(MessengerText.Create("  \n").IsSuccess);
        Assert.False(MessengerText.Create(null).IsSuccess);
    }

    [Fact]
    public void Only_response_and_human_agent_can_be_expressed() =>
        Assert.Equal(["Response", "HumanAgent"], Enum.GetNames<MessengerSendMode>());
}

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
