using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Tests.Application.Messenger;

/// <summary>
/// The 7-day window timer's decision, at the edges: which conversations are warned (the window closes within 24 hours)
/// and which are marked closed (the window's end has passed), once per window end.
/// </summary>
public sealed class MessengerWindowWatchTests
{
    private static readonly DateTimeOffset Last = new(2026, 3, 28, 22, 30, 0, TimeSpan.FromHours(1));
    private static readonly DateTimeOffset End = Last + TimeSpan.FromDays(7);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static Conversation Messenger(DateTimeOffset? lastIncoming = null) => new()
    {
        Id = "conv-1", AccountId = "acme", InboxId = "inbox-1", ChannelId = "ch-1", ChannelKind = ChannelKind.Messenger, ThreadKey = "t",
        SenderId = "psid-1", CreatedAt = Last - Day, LastMessageAt = Last, LastIncomingAt = lastIncoming ?? Last, AssigneeId = "ann",
    };

    private static WindowWatchStep Decide(Conversation conversation, DateTimeOffset now) => MessengerWindowWatch.Decide(conversation, now, Day);

    public static TheoryData<TimeSpan, WindowWatchStep> Edges => new()
    {
        // now − end,            step
        { -Day - Second, WindowWatchStep.Nothing },
        { -Day, WindowWatchStep.Nothing },                 // exactly 24 hours ahead: not yet "within" the next 24 hours
        { -Day + Second, WindowWatchStep.Warn },
        { -TimeSpan.FromHours(1), WindowWatchStep.Warn },
        { -Second, WindowWatchStep.Warn },
        { TimeSpan.Zero, WindowWatchStep.MarkClosed },     // the end is exclusive, as for replies: at 7 days the window is closed
        { Second, WindowWatchStep.MarkClosed },
        { TimeSpan.FromDays(3), WindowWatchStep.MarkClosed }, // a late run still marks it
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void Warns_within_the_last_24_hours_and_marks_closed_from_the_end_on(TimeSpan fromEnd, WindowWatchStep expected) =>
        Assert.Equal(expected, Decide(Messenger(), End + fromEnd));

    [Fact]
    public void The_window_end_is_the_last_incoming_message_plus_7_days_and_only_on_messenger()
    {
        Assert.Equal(End, MessengerWindowWatch.WindowEnd(Messenger()));
        Assert.Null(MessengerWindowWatch.WindowEnd(Messenger() with { LastIncomingAt = null }));
        Assert.Null(MessengerWindowWatch.WindowEnd(Messenger() with { ChannelKind = ChannelKind.Email }));
        Assert.Equal(WindowWatchStep.Nothing, Decide(Messenger() with { ChannelKind = ChannelKind.Chat }, End - Second));
        Assert.Equal(WindowWatchStep.Nothing, Decide(Messenger() with { ChannelKind = ChannelKind.Email }, End + Second));
        Assert.Equal(WindowWatchStep.Nothing, Decide(Messenger() with { LastIncomingAt = null }, End + Second));
    }

    [Fact]
    public void Each_step_is_done_once_per_window_end()
    {
        var warned = Messenger() with { WindowWarnedFor = End };
        var closed = warned with { WindowClosedAt = End };

        Assert.Equal(WindowWatchStep.Nothing, Decide(warned, End - Second));
        Assert.Equal(WindowWatchStep.MarkClosed, Decide(warned, End));
        Assert.Equal(WindowWatchStep.Nothing, Decide(closed, End));
        Assert.Equal(WindowWatchStep.Nothing, Decide(closed, End + TimeSpan.FromDays(5)));
    }

    [Fact]
    public void A_new_message_opens_a_new_window_watched_anew()
    {
        var newer = Last + TimeSpan.FromDays(6) + TimeSpan.FromHours(12); // after the warning, before the end
        var warnedThenWritten = Messenger(newer) with { WindowWarnedFor = End };
        var closedThenWritten = Messenger(newer) with { WindowWarnedFor = End, WindowClosedAt = End };
        var newEnd = newer + TimeSpan.FromDays(7);

        Assert.Equal(WindowWatchStep.Nothing, Decide(warnedThenWritten, End));            // not closed: its window now ends later
        Assert.Equal(WindowWatchStep.Nothing, Decide(warnedThenWritten, End + TimeSpan.FromDays(1)));
        Assert.Equal(WindowWatchStep.Warn, Decide(warnedThenWritten, newEnd - TimeSpan.FromHours(2)));
        Assert.Equal(WindowWatchStep.MarkClosed, Decide(closedThenWritten, newEnd));
        Assert.Equal(newEnd, MessengerWindowWatch.WatchedWindowEnd(closedThenWritten));
    }

    [Fact]
    public void A_closed_conversation_is_not_warned_but_its_window_is_marked()
    {
        var done = Messenger() with { Status = ConversationStatus.Closed, ClosedAt = Last };

        Assert.Equal(WindowWatchStep.Nothing, Decide(done, End - TimeSpan.FromHours(1)));
        Assert.Equal(WindowWatchStep.MarkClosed, Decide(done, End));
    }

    [Fact]
    public void A_window_that_closed_unwarned_is_only_marked()
    {
        // The timer did not run for the whole last day: a warning after the end would be no use.
        Assert.Equal(WindowWatchStep.MarkClosed, Decide(Messenger(), End + TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void The_store_indexes_the_end_until_the_conversation_is_marked_closed_for_it()
    {
        Assert.Equal(End, MessengerWindowWatch.WatchedWindowEnd(Messenger()));
        Assert.Equal(End, MessengerWindowWatch.WatchedWindowEnd(Messenger() with { WindowWarnedFor = End }));
        Assert.Null(MessengerWindowWatch.WatchedWindowEnd(Messenger() with { WindowClosedAt = End }));
        Assert.Null(MessengerWindowWatch.WatchedWindowEnd(Messenger() with { ChannelKind = ChannelKind.Email }));
    }

    [Fact]
    public void The_options_default_to_a_day_ahead()
    {
        var watch = new MessengerWindowWatch(null!, null!, null!, null!, TimeProvider.System);

        Assert.Equal(WindowWatchStep.Warn, watch.Decide(Messenger(), End - Day + Second));
        Assert.Equal(WindowWatchStep.Nothing, watch.Decide(Messenger(), End - Day));
    }

    /// <summary>Whatever the state and the time, doing the step that is due leaves nothing to do at that time: a second run is a no-op.</summary>
    [Property(MaxTest = 500)]
    public Property Doing_the_due_step_leaves_nothing_to_do(int lastMinutes, int nowMinutes, bool warnedBefore, bool closedBefore, bool open)
    {
        var last = Last + TimeSpan.FromMinutes(lastMinutes % 20_000);
        var now = Last + TimeSpan.FromMinutes(nowMinutes % 40_000);
        var previousEnd = End - TimeSpan.FromDays(1);
        var conversation = Messenger(last) with
        {
            WindowWarnedFor = warnedBefore ? previousEnd : null,
            WindowClosedAt = closedBefore ? previousEnd : null,
            Status = open ? ConversationStatus.Open : ConversationStatus.Closed,
        };
        var end = MessengerWindowWatch.WindowEnd(conversation)!.Value;

        var step = Decide(conversation, now);
        var after = step switch
        {
            WindowWatchStep.Warn => conversation with { WindowWarnedFor = end },
            WindowWatchStep.MarkClosed => conversation with { WindowClosedAt = end },
            _ => conversation,
        };

        var warnsOnlyBeforeTheEnd = step != WindowWatchStep.Warn || (now < end && end - now < Day && open);
        var closesOnlyFromTheEnd = step != WindowWatchStep.MarkClosed || now >= end;
        return (Decide(after, now) == WindowWatchStep.Nothing && warnsOnlyBeforeTheEnd && closesOnlyFromTheEnd).ToProperty();
    }
}
