using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Tests.Ports;

/// <summary>
/// The records the Messenger port speaks. How Meta's error numbers become these kinds is the adapter's
/// (Inbox.Azure.Tests, MessengerErrorsTests).
/// </summary>
public sealed class IMessengerApiTests
{
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
