using System.Globalization;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Messenger;

/// <summary>A reply to send on Messenger: to <paramref name="Psid"/> from <paramref name="PageId"/>.</summary>
/// <param name="TokenSecret">The sending channel's own page token (<see cref="SecretNames.MessengerPageToken"/>).</param>
/// <param name="LastIncomingAt">The person's last message to the page (the conversation's <c>LastIncomingAt</c>).</param>
/// <param name="QuickReplies">Buttons under the text (the consent question's Yes and No).</param>
public sealed record MessengerReplyRequest(
    string PageId, string TokenSecret, string Psid, string Text, DateTimeOffset? LastIncomingAt, ReplySender Sender, IReadOnlyList<MessengerQuickReply>? QuickReplies = null);

public enum ReplyFailureKind
{
    /// <summary>The text is blank or longer than 2,000 characters. No call was made.</summary>
    InvalidText,

    /// <summary>The person never wrote to the page: Messenger allows no message first. No call was made.</summary>
    NoIncomingMessage,

    /// <summary>The window is closed (by our clock before any call, or by Meta's answer, code 10/2018278).</summary>
    WindowClosed,

    /// <summary>The page has no stored access token. No call was made.</summary>
    PageNotConnected,

    UserUnavailable,
    TokenExpired,
    RateLimited,
    Transient,
    Other,
}

/// <summary>What became of a reply: sent, or not sent and why (as a value the message can keep, and as a problem).</summary>
public abstract record MessengerReplyResult
{
    private MessengerReplyResult() { }

    public sealed record Sent(string MessageId, MessengerSendMode Mode, int Attempts, DateTimeOffset SentAt) : MessengerReplyResult;

    /// <param name="Attempts">Calls made to the Send API; 0 when the reply was refused before any call.</param>
    /// <param name="WindowClosedAt">When the window closed, for a reply refused because of it.</param>
    /// <param name="Error">Meta's last error, when a call was made.</param>
    public sealed record NotSent(ReplyFailureKind Kind, Problem Problem, int Attempts, DateTimeOffset? WindowClosedAt = null, MessengerError? Error = null)
        : MessengerReplyResult;

    public Outcome<Sent> ToOutcome() => this switch
    {
        Sent sent => sent,
        NotSent notSent => notSent.Problem,
        _ => throw new InvalidOperationException(),
    };
}

/// <summary>
/// Sends a reply within Messenger's windows: a closed window (by the clock) is refused before any call, with the instant
/// it closed; an open one is sent as a <c>RESPONSE</c> or with the <c>HUMAN_AGENT</c> tag (a person, 24 hours to 7 days).
/// Rate-limited and transient failures are retried with backoff; the window is decided again before each attempt, and
/// when Meta says the standard window closed (our clock a little ahead of Meta's edge) a person's reply is tried once
/// more with the <c>HUMAN_AGENT</c> tag. Meta's Send API has no idempotency key: a transient failure after Meta
/// accepted the message can, rarely, send it twice.
/// </summary>
public sealed class MessengerReplies(IMessengerApi api, ISecretStore secrets, TimeProvider clock, MessengerRetryPolicy? policy = null)
{
    private readonly MessengerRetryPolicy policy = policy ?? MessengerRetryPolicy.Default;

    public async Task<MessengerReplyResult> Send(MessengerReplyRequest request, CancellationToken ct)
    {
        var text = MessengerText.Create(request.Text);
        if (!text.IsSuccess) return new MessengerReplyResult.NotSent(ReplyFailureKind.InvalidText, text.Problem!, 0);
        if (request.LastIncomingAt is not { } lastIncoming)
            return new MessengerReplyResult.NotSent(ReplyFailureKind.NoIncomingMessage, new Problem(ProblemKind.Conflict,
                "The person has not written to the page yet.", "Messenger allows a page to reply only after the person's message."), 0);

        var decision = MessagingWindow.Decide(lastIncoming, clock, request.Sender);
        if (!decision.IsOpen) return Closed(request, lastIncoming, decision, 0);

        string? token;
        try
        {
            token = await secrets.Get(request.TokenSecret, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            return new MessengerReplyResult.NotSent(ReplyFailureKind.Transient,
                new Problem(ProblemKind.Unavailable, "The page's access token could not be read: try again.", e.Message), 0);
        }

        if (token is null)
            return new MessengerReplyResult.NotSent(ReplyFailureKind.PageNotConnected, new Problem(ProblemKind.Conflict,
                "The Facebook page is not connected: connect it again.", $"No access token is stored for page {request.PageId} in this channel."), 0);

        var attempts = 0;
        var failures = 0; // counted against the retry policy
        var forceHumanAgent = false;
        while (true)
        {
            decision = MessagingWindow.Decide(lastIncoming, clock, request.Sender);
            if (!decision.IsOpen) return Closed(request, lastIncoming, decision, attempts);
            var mode = forceHumanAgent ? MessengerSendMode.HumanAgent : decision.SendMode!.Value;

            attempts++;
            var result = await api.SendText(request.PageId, token, request.Psid, text.Value!, mode, request.QuickReplies, ct);
            if (result is SendResult.Sent sent) return new MessengerReplyResult.Sent(sent.MessageId, mode, attempts, clock.GetUtcNow());
            var error = ((SendResult.Failed)result).Error;

            if (error.Kind == MessengerErrorKind.WindowClosed && mode == MessengerSendMode.Response && request.Sender == ReplySender.Person &&
                !forceHumanAgent)
            {
                forceHumanAgent = true;
                continue;
            }

            failures++;
            if (policy.DelayAfter(failures, error) is not { } delay)
                return new MessengerReplyResult.NotSent(KindOf(error), MessengerProblems.Sending(error), attempts, Error: error);
            await policy.Wait(delay, clock, ct);
        }
    }

    private static MessengerReplyResult.NotSent Closed(MessengerReplyRequest request, DateTimeOffset lastIncoming, WindowDecision decision, int attempts)
    {
        var after = decision.Until - lastIncoming == MessagingWindow.StandardWindow ? "24 hours" : "7 days";
        var why = request.Sender == ReplySender.Automation && after == "24 hours"
            ? " Automated messages may only be sent within 24 hours; a person can still reply with the human agent tag up to 7 days."
            : "";
        return new MessengerReplyResult.NotSent(ReplyFailureKind.WindowClosed,
            new Problem(ProblemKind.Conflict, $"The Messenger reply window closed at {Iso(decision.Until)}.",
                $"Replies are possible until {after} after the person's last message ({Iso(lastIncoming)}); the window closed at " +
                $"{Iso(decision.Until)}. A new message from the person opens it again.{why}"),
            attempts, decision.Until);
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static ReplyFailureKind KindOf(MessengerError error) => error.Kind switch
    {
        MessengerErrorKind.WindowClosed => ReplyFailureKind.WindowClosed,
        MessengerErrorKind.UserUnavailable => ReplyFailureKind.UserUnavailable,
        MessengerErrorKind.TokenExpired => ReplyFailureKind.TokenExpired,
        MessengerErrorKind.RateLimited => ReplyFailureKind.RateLimited,
        MessengerErrorKind.Transient => ReplyFailureKind.Transient,
        _ => ReplyFailureKind.Other,
    };
}
