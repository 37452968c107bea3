using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What Messenger's windows allow a reply to do now (see <see cref="MessagingWindow"/>).</summary>
public enum WindowState
{
    /// <summary>Within the standard 24-hour window: send as a <c>RESPONSE</c>.</summary>
    Response,

    /// <summary>After 24 hours and before 7 days, and the sender is a person: send with the <c>HUMAN_AGENT</c> tag.</summary>
    HumanAgent,

    /// <summary>No reply is possible any more for this sender.</summary>
    Closed,
}

/// <summary>
/// What the windows allow now. <see cref="Until"/> is the instant the current window closes
/// (<see cref="WindowState.Response"/>, <see cref="WindowState.HumanAgent"/>) or closed (<see cref="WindowState.Closed"/>).
/// A value, so deciding allocates nothing: a reply checks the window before every attempt.
/// </summary>
public readonly record struct WindowDecision(WindowState State, DateTimeOffset Until)
{
    public bool IsOpen => State != WindowState.Closed;

    /// <summary>The send mode this decision allows; <c>null</c> when the window is closed.</summary>
    public MessengerSendMode? SendMode => State switch
    {
        WindowState.Response => MessengerSendMode.Response,
        WindowState.HumanAgent => MessengerSendMode.HumanAgent,
        _ => null,
    };
}

/// <summary>
/// Messenger's messaging windows, counted from the person's last message to the page (docs/wire-contracts.md#meta-messenger-the-send-api).
/// The edges, with <c>elapsed = now − lastIncomingAt</c>:
/// <list type="bullet">
/// <item><c>elapsed &lt; 24 h</c> → <see cref="WindowState.Response"/>, until <c>last + 24 h</c> (exclusive), for anybody;</item>
/// <item><c>24 h ≤ elapsed &lt; 7 d</c> → <see cref="WindowState.HumanAgent"/> until <c>last + 7 d</c> (exclusive), for a person only;
/// automation is <see cref="WindowState.Closed"/> since <c>last + 24 h</c>;</item>
/// <item><c>elapsed ≥ 7 d</c> → <see cref="WindowState.Closed"/> since <c>last + 7 d</c> (a person) or <c>last + 24 h</c> (automation).</item>
/// </list>
/// A window's end is exclusive, so at exactly 24:00:00 the standard window is closed, and at exactly 7 days so is the
/// human-agent window: that is the safe side of an edge Meta does not document to the second. A last message in the
/// future (clock skew) counts as just sent.
/// </summary>
public static class MessagingWindow
{
    public static readonly TimeSpan StandardWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan HumanAgentWindow = TimeSpan.FromDays(7);

    public static WindowDecision Decide(DateTimeOffset lastIncomingAt, DateTimeOffset now, ReplySender sender)
    {
        var elapsed = now - lastIncomingAt;
        if (elapsed < StandardWindow) return new WindowDecision(WindowState.Response, lastIncomingAt + StandardWindow);
        if (sender == ReplySender.Automation) return new WindowDecision(WindowState.Closed, lastIncomingAt + StandardWindow);
        return elapsed < HumanAgentWindow
            ? new WindowDecision(WindowState.HumanAgent, lastIncomingAt + HumanAgentWindow)
            : new WindowDecision(WindowState.Closed, lastIncomingAt + HumanAgentWindow);
    }

    public static WindowDecision Decide(DateTimeOffset lastIncomingAt, TimeProvider clock, ReplySender sender) =>
        Decide(lastIncomingAt, clock.GetUtcNow(), sender);

    /// <summary>
    /// The instant after which nobody can reply any more: <c>last + 7 days</c>. The 7-day timer indexes conversations on it.
    /// </summary>
    public static DateTimeOffset FinalClose(DateTimeOffset lastIncomingAt) => lastIncomingAt + HumanAgentWindow;
}
