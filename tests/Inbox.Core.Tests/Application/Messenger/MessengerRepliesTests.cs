using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application.Messenger;

public sealed class MessengerRepliesTests
{
    private const string PageId = "1234567890";
    private static readonly string TokenSecret = SecretNames.MessengerPageToken("acc-1", "channel-1");
    private static readonly DateTimeOffset Last = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly Mock<IMessengerApi> api = MessengerApiMocks.Meta();
    private readonly FakeSecretStore secrets = new();
    private readonly FakeTimeProvider clock = new(Last + TimeSpan.FromHours(1));
    private readonly List<TimeSpan> waits = [];

    public MessengerRepliesTests() => secrets.Secrets[TokenSecret] = "page-token";

    private MessengerReplies Replies() => new(api.Object, secrets, clock, new MessengerRetryPolicy
    {
        MaxAttempts = 3,
        Delay = (d, _) =>
        {
            waits.Add(d);
            clock.Advance(d);
            return Task.CompletedTask;
        },
    });

    private Task<MessengerReplyResult> Send(ReplySender sender = ReplySender.Person, string text = "Hello!", DateTimeOffset? last = null) =>
        Replies().Send(new MessengerReplyRequest(PageId, TokenSecret, "PSID", text, last ?? Last, sender), CancellationToken.None);

    [Fact]
    public async Task Within_24_hours_the_reply_is_a_standard_response_with_the_page_token()
    {
        clock.SetUtcNow(Last + new TimeSpan(23, 59, 59));

        var sent = Assert.IsType<MessengerReplyResult.Sent>(await Send(ReplySender.Automation));

        Assert.Equal(("m_1", MessengerSendMode.Response, 1), (sent.MessageId, sent.Mode, sent.Attempts));
        Assert.Equal(new Send(PageId, "page-token", "PSID", "Hello!", MessengerSendMode.Response), Assert.Single(api.Sends()));
    }

    [Fact]
    public async Task Quick_replies_go_with_the_text()
    {
        IReadOnlyList<MessengerQuickReply> buttons = [new("Yes", "CONSENT_YES"), new("No", "CONSENT_NO")];

        await Replies().Send(new MessengerReplyRequest(PageId, TokenSecret, "PSID", "May we?", Last, ReplySender.Automation, buttons), CancellationToken.None);

        Assert.Same(buttons, Assert.Single(api.Sends()).QuickReplies);
    }

    [Fact]
    public async Task After_24_hours_a_person_replies_with_the_human_agent_tag()
    {
        clock.SetUtcNow(Last + TimeSpan.FromHours(24));

        var sent = Assert.IsType<MessengerReplyResult.Sent>(await Send());

        Assert.Equal(MessengerSendMode.HumanAgent, sent.Mode);
        Assert.Equal(MessengerSendMode.HumanAgent, Assert.Single(api.Sends()).Mode);
    }

    [Fact]
    public async Task After_24_hours_automation_is_refused_before_any_call()
    {
        clock.SetUtcNow(Last + TimeSpan.FromHours(24));

        var refused = Assert.IsType<MessengerReplyResult.NotSent>(await Send(ReplySender.Automation));

        Assert.Equal((ReplyFailureKind.WindowClosed, 0, Last + TimeSpan.FromHours(24)), (refused.Kind, refused.Attempts, refused.WindowClosedAt));
        Assert.Empty(api.Calls());
    }

    [Theory]
    [InlineData(7 * 24 * 3600)]
    [InlineData(7 * 24 * 3600 + 1)]
    public async Task After_7_days_the_reply_is_refused_before_any_call_saying_when_the_window_closed(int elapsedSeconds)
    {
        clock.SetUtcNow(Last + TimeSpan.FromSeconds(elapsedSeconds));

        var refused = Assert.IsType<MessengerReplyResult.NotSent>(await Send());

        Assert.Empty(api.Calls());
        Assert.Equal(ReplyFailureKind.WindowClosed, refused.Kind);
        Assert.Equal(Last + TimeSpan.FromDays(7), refused.WindowClosedAt);
        Assert.Equal(ProblemKind.Conflict, refused.Problem.Kind);
        Assert.Contains("2026-05-08T09:00:00Z", refused.Problem.Title);
        Assert.Contains("7 days", refused.Problem.Detail);
        Assert.Equal(refused.Problem, refused.ToOutcome().Problem);
    }

    [Fact]
    public async Task Seven_days_less_a_second_is_still_open_for_a_person()
    {
        clock.SetUtcNow(Last + TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));

        Assert.Equal(MessengerSendMode.HumanAgent, Assert.IsType<MessengerReplyResult.Sent>(await Send()).Mode);
    }

    [Fact]
    public async Task A_text_over_2000_characters_is_refused_before_any_call()
    {
        var refused = Assert.IsType<MessengerReplyResult.NotSent>(await Send(text: new string('x', 2_001)));

        Assert.Equal((ReplyFailureKind.InvalidText, ProblemKind.Invalid, 0), (refused.Kind, refused.Problem.Kind, refused.Attempts));
        Assert.Empty(api.Calls());
    }

    [Fact]
    public async Task A_conversation_the_person_never_wrote_in_cannot_be_replied_to()
    {
        var result = await Replies().Send(new MessengerReplyRequest(PageId, TokenSecret, "PSID", "Hi", null, ReplySender.Person), CancellationToken.None);

        Assert.Equal(ReplyFailureKind.NoIncomingMessage, Assert.IsType<MessengerReplyResult.NotSent>(result).Kind);
        Assert.Empty(api.Calls());
    }

    [Fact]
    public async Task A_page_without_a_stored_token_is_not_connected()
    {
        secrets.Secrets.Clear();

        var refused = Assert.IsType<MessengerReplyResult.NotSent>(await Send());

        Assert.Equal((ReplyFailureKind.PageNotConnected, ProblemKind.Conflict, 0), (refused.Kind, refused.Problem.Kind, refused.Attempts));
        Assert.Empty(api.Calls());
    }

    [Fact]
    public async Task A_secret_store_failure_is_unavailable_not_an_exception()
    {
        secrets.Failure = new IOException("vault unreachable");

        var refused = Assert.IsType<MessengerReplyResult.NotSent>(await Send());

        Assert.Equal((ReplyFailureKind.Transient, ProblemKind.Unavailable), (refused.Kind, refused.Problem.Kind));
    }

    [Fact]
    public async Task Transient_and_rate_limited_failures_are_retried_with_backoff()
    {
        api.SendAnswers(GraphErrors.Transient, GraphErrors.RateLimited, new SendResult.Sent("m_3", "PSID"));

        var sent = Assert.IsType<MessengerReplyResult.Sent>(await Send());

        Assert.Equal(("m_3", 3), (sent.MessageId, sent.Attempts));
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4)], waits); // transient 0.5 s × 2⁰, then rate limited 2 s × 2¹
    }

    [Fact]
    public async Task Retries_give_up_after_the_policys_attempts_with_a_clear_outcome()
    {
        api.OnSend().ReturnsAsync(GraphErrors.RateLimited);

        var failed = Assert.IsType<MessengerReplyResult.NotSent>(await Send());

        Assert.Equal((ReplyFailureKind.RateLimited, ProblemKind.Unavailable, 3), (failed.Kind, failed.Problem.Kind, failed.Attempts));
        Assert.Equal(613, failed.Error?.Code);
        Assert.Equal(2, waits.Count);
    }

    public static TheoryData<SendResult.Failed, ReplyFailureKind, ProblemKind> Permanent => new()
    {
        { GraphErrors.UserUnavailable, ReplyFailureKind.UserUnavailable, ProblemKind.Conflict },
        { GraphErrors.TokenExpired, ReplyFailureKind.TokenExpired, ProblemKind.Conflict },
        { GraphErrors.Other, ReplyFailureKind.Other, ProblemKind.Unavailable },
    };

    [Theory]
    [MemberData(nameof(Permanent))]
    public async Task Permanent_failures_are_not_retried(SendResult.Failed failure, ReplyFailureKind kind, ProblemKind problem)
    {
        api.OnSend().ReturnsAsync(failure);

        var failed = Assert.IsType<MessengerReplyResult.NotSent>(await Send());

        Assert.Equal((kind, problem, 1), (failed.Kind, failed.Problem.Kind, failed.Attempts));
        Assert.Equal(failure.Error, failed.Error);
        Assert.Contains(failure.Message, failed.Problem.Detail);
        Assert.Empty(waits);
    }

    [Fact]
    public async Task When_Meta_says_the_standard_window_closed_a_person_tries_once_with_the_human_agent_tag()
    {
        clock.SetUtcNow(Last + new TimeSpan(23, 59, 59));
        api.SendAnswers(GraphErrors.WindowClosed, new SendResult.Sent("m_2", "PSID"));

        var sent = Assert.IsType<MessengerReplyResult.Sent>(await Send());

        Assert.Equal([MessengerSendMode.Response, MessengerSendMode.HumanAgent], api.Sends().Select(s => s.Mode));
        Assert.Equal((MessengerSendMode.HumanAgent, 2), (sent.Mode, sent.Attempts));
        Assert.Empty(waits);
    }

    [Fact]
    public async Task When_Meta_says_the_window_closed_automation_and_tagged_replies_stop()
    {
        api.OnSend().ReturnsAsync(GraphErrors.WindowClosed);

        var automation = Assert.IsType<MessengerReplyResult.NotSent>(await Send(ReplySender.Automation));
        Assert.Equal((ReplyFailureKind.WindowClosed, 1), (automation.Kind, automation.Attempts));

        api.Invocations.Clear();
        var person = Assert.IsType<MessengerReplyResult.NotSent>(await Send());
        Assert.Equal((ReplyFailureKind.WindowClosed, 2), (person.Kind, person.Attempts)); // RESPONSE, then HUMAN_AGENT once
        Assert.Equal([MessengerSendMode.Response, MessengerSendMode.HumanAgent], api.Sends().Select(s => s.Mode));
    }

    [Fact]
    public async Task The_window_is_decided_again_before_each_retry()
    {
        clock.SetUtcNow(Last + TimeSpan.FromHours(24) - TimeSpan.FromMilliseconds(200));
        api.SendAnswers(GraphErrors.Transient, new SendResult.Sent("m_2", "PSID"));

        var sent = Assert.IsType<MessengerReplyResult.Sent>(await Send());

        // The 500 ms wait crossed the 24-hour edge: the retry goes with the human agent tag.
        Assert.Equal([MessengerSendMode.Response, MessengerSendMode.HumanAgent], api.Sends().Select(s => s.Mode));
        Assert.Equal(MessengerSendMode.HumanAgent, sent.Mode);
    }

    [Fact]
    public async Task A_retry_that_would_cross_the_7_day_edge_is_refused_instead()
    {
        clock.SetUtcNow(Last + TimeSpan.FromDays(7) - TimeSpan.FromMilliseconds(200));
        api.OnSend().ReturnsAsync(GraphErrors.Transient);

        var refused = Assert.IsType<MessengerReplyResult.NotSent>(await Send());

        Assert.Equal((ReplyFailureKind.WindowClosed, 1, Last + TimeSpan.FromDays(7)), (refused.Kind, refused.Attempts, refused.WindowClosedAt));
        Assert.Single(api.Sends());
    }
}
