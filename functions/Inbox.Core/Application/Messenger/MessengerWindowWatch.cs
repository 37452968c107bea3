using System.Globalization;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Messenger;

/// <summary>What the window watch does with one conversation at a given instant.</summary>
public enum WindowWatchStep
{
    /// <summary>Not a Messenger conversation with a window, the window is far off, or this step was done for its end.</summary>
    Nothing,

    /// <summary>The window closes within <see cref="WindowWatchOptions.WarnAhead"/>: warn the assignee, once per window end.</summary>
    Warn,

    /// <summary>The window has closed: mark the conversation, once per window end.</summary>
    MarkClosed,
}

public sealed record WindowWatchOptions
{
    public const string Section = "Messenger:WindowWatch";

    /// <summary>How long before the 7-day window closes the assignee is warned.</summary>
    public TimeSpan WarnAhead { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How far back a run looks for windows that closed and are not marked yet: a timer may run late, or not at all
    /// for a while. Marked conversations leave the index, so a long look-back costs only the ones still to mark.
    /// </summary>
    public TimeSpan LookBack { get; init; } = TimeSpan.FromDays(7);
}

/// <param name="Warned">Conversations whose assignee (or the inbox's fallback address) was warned in this run.</param>
/// <param name="Closed">Conversations marked closed in this run.</param>
/// <param name="Skipped">Conversations changed by someone else meanwhile (a stale ETag): the next run decides again.</param>
/// <param name="Failed">Warnings whose mail could not be sent: the marker was taken back, so the next run tries again.</param>
public sealed record WindowWatchResult(int Warned, int Closed, int Skipped, int Failed);

/// <summary>
/// The 7-day window timer's use case. Messenger allows replies until 7 days after the person's last message
/// (<see cref="MessagingWindow.FinalClose"/>). A run finds, through the store's index on the window's end, the
/// conversations whose window closes within <see cref="WindowWatchOptions.WarnAhead"/> and warns their assignee, or the
/// inbox's fallback address when nobody is assigned (<see cref="Conversation.WindowWarnedFor"/> and a mail); and marks
/// the ones whose window has closed (<see cref="Conversation.WindowClosedAt"/>), so that the API shows that no reply is
/// possible. Each step is recorded on the conversation for the window's end with its ETag, so a run that comes late,
/// twice, or at the same time as another does each step once; a new message from the person opens a new window (another
/// end) that is watched anew.
/// </summary>
public sealed class MessengerWindowWatch(
    IConversationStore conversations,
    IInboxStore inboxes,
    IDirectoryStore directories,
    IMailSender mail,
    TimeProvider clock,
    WindowWatchOptions? options = null)
{
    private readonly WindowWatchOptions options = options ?? new WindowWatchOptions();

    /// <summary>The instant a Messenger conversation's 7-day window closes; <c>null</c> for other channels or before any message.</summary>
    public static DateTimeOffset? WindowEnd(Conversation conversation) =>
        conversation.ChannelKind == ChannelKind.Messenger && conversation.LastIncomingAt is { } last ? MessagingWindow.FinalClose(last) : null;

    /// <summary>
    /// The window's end while the watch has something left to do with it (the store indexes this): <c>null</c> once the
    /// conversation is marked closed for that end, until a new message from the person opens another window.
    /// </summary>
    public static DateTimeOffset? WatchedWindowEnd(Conversation conversation) =>
        WindowEnd(conversation) is { } end && conversation.WindowClosedAt != end ? end : null;

    /// <summary>
    /// The step due at <paramref name="now"/>. The window's end is exclusive, as in <see cref="MessagingWindow"/>: at
    /// the end itself the window is closed. A warning is due while <c>now &lt; end &lt; now + warnAhead</c>, for open
    /// conversations only (a closed one needs no reply); a window that closed unwarned is only marked.
    /// </summary>
    public static WindowWatchStep Decide(Conversation conversation, DateTimeOffset now, TimeSpan warnAhead)
    {
        if (WindowEnd(conversation) is not { } end) return WindowWatchStep.Nothing;
        if (now >= end) return conversation.WindowClosedAt == end ? WindowWatchStep.Nothing : WindowWatchStep.MarkClosed;
        if (end - now >= warnAhead || conversation.Status == ConversationStatus.Closed) return WindowWatchStep.Nothing;
        return conversation.WindowWarnedFor == end ? WindowWatchStep.Nothing : WindowWatchStep.Warn;
    }

    public WindowWatchStep Decide(Conversation conversation, DateTimeOffset now) => Decide(conversation, now, options.WarnAhead);

    public Task<WindowWatchResult> Run(CancellationToken ct) => Run(clock.GetUtcNow(), ct);

    public async Task<WindowWatchResult> Run(DateTimeOffset now, CancellationToken ct)
    {
        var candidates = await conversations.WindowsClosingBetween(now - options.LookBack, now + options.WarnAhead, ct);
        var run = new RunState();
        foreach (var candidate in candidates.OrderBy(c => WindowEnd(c.Value)).ThenBy(c => c.Value.Id, StringComparer.Ordinal))
        {
            var conversation = candidate.Value;
            switch (Decide(conversation, now))
            {
                case WindowWatchStep.MarkClosed:
                    var closed = await conversations.Replace(conversation with { WindowClosedAt = WindowEnd(conversation) }, candidate.ETag, ct);
                    if (closed.IsSuccess) run.Closed++;
                    else run.Skipped++;
                    break;
                case WindowWatchStep.Warn:
                    await Warn(candidate, run, ct);
                    break;
            }
        }

        return new WindowWatchResult(run.Warned, run.Closed, run.Skipped, run.Failed);
    }

    /// <summary>Records the warning first (so a second run does not warn again), then mails; a failed mail takes the record back.</summary>
    private async Task Warn(Versioned<Conversation> candidate, RunState run, CancellationToken ct)
    {
        var conversation = candidate.Value;
        var end = WindowEnd(conversation)!.Value;
        var recorded = await conversations.Replace(conversation with { WindowWarnedFor = end }, candidate.ETag, ct);
        if (!recorded.IsSuccess)
        {
            run.Skipped++;
            return;
        }

        try
        {
            if (await Warning(conversation, end, run, ct) is { } warning) await mail.Send(warning, ct);
            run.Warned++;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Taken back only if nobody changed the conversation since; otherwise the warning stays recorded, unsent.
            var saved = recorded.Value!;
            await conversations.Replace(saved.Value with { WindowWarnedFor = conversation.WindowWarnedFor }, saved.ETag, ct);
            run.Failed++;
        }
    }

    /// <summary>The mail to the assignee, or to the inbox's fallback address when nobody (known) is assigned; none without either.</summary>
    private async Task<OutgoingMail?> Warning(Conversation conversation, DateTimeOffset end, RunState run, CancellationToken ct)
    {
        var inbox = await run.Inbox(inboxes, conversation.AccountId, conversation.InboxId, ct);
        var assignee = conversation.AssigneeId is { } id ? (await run.Directory(directories, conversation.AccountId, ct)).FindUser(id) : null;
        var to = assignee?.Email ?? inbox?.Notifications.FallbackEmail;
        if (string.IsNullOrWhiteSpace(to)) return null;

        var inboxName = inbox?.Name ?? conversation.InboxId;
        var who = conversation.Subject is { Length: > 0 } subject ? $"\"{subject}\"" : $"from {conversation.SenderId}";
        var text = string.Join('\n',
            assignee is null
                ? $"Nobody is assigned to a Messenger conversation in {inboxName} ({who}) whose reply window closes soon."
                : $"Hi {assignee.FirstName}, the Messenger conversation {who} in {inboxName} assigned to you can be answered only until {Iso(end)}.",
            $"Messenger allows replies up to 7 days after the person's last message ({Iso(conversation.LastIncomingAt!.Value)}); " +
            $"the window closes at {Iso(end)}. After that no reply is possible until the person writes again.",
            $"Conversation: {conversation.Id} (inbox {conversation.InboxId}).");
        return new OutgoingMail(to, $"Messenger reply window closes {Iso(end)}: {inboxName}", text);
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Counts of one run, and what it read once for many conversations.</summary>
    private sealed class RunState
    {
        private readonly Dictionary<string, AccountDirectory> directories = [];
        private readonly Dictionary<(string, string), Inbox?> inboxes = [];

        public int Warned, Closed, Skipped, Failed;

        public async Task<AccountDirectory> Directory(IDirectoryStore store, string accountId, CancellationToken ct)
        {
            if (!directories.TryGetValue(accountId, out var directory)) directories[accountId] = directory = await store.Load(accountId, ct);
            return directory;
        }

        public async Task<Inbox?> Inbox(IInboxStore store, string accountId, string inboxId, CancellationToken ct)
        {
            if (!inboxes.TryGetValue((accountId, inboxId), out var inbox))
                inboxes[(accountId, inboxId)] = inbox = (await store.Find(accountId, inboxId, ct))?.Value;
            return inbox;
        }
    }
}
