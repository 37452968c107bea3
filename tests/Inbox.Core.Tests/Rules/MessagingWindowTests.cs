using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

/// <summary>The windows at their edges, over a passed-in clock: elapsed &lt; 24 h, 24 h ≤ elapsed &lt; 7 d, elapsed ≥ 7 d.</summary>
public sealed class MessagingWindowTests
{
    private static readonly DateTimeOffset Last = new(2026, 3, 28, 22, 30, 0, TimeSpan.FromHours(1)); // the day before a DST change in Europe
    private static readonly DateTimeOffset Day = Last + TimeSpan.FromHours(24);
    private static readonly DateTimeOffset Week = Last + TimeSpan.FromDays(7);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    public static TheoryData<TimeSpan, ReplySender, WindowState, TimeSpan> Edges => new()
    {
        // elapsed,                                 sender,                 state,                  until − last
        { TimeSpan.Zero, ReplySender.Person, WindowState.Response, TimeSpan.FromHours(24) },
        { TimeSpan.Zero, ReplySender.Automation, WindowState.Response, TimeSpan.FromHours(24) },
        { new TimeSpan(23, 59, 59), ReplySender.Person, WindowState.Response, TimeSpan.FromHours(24) },
        { new TimeSpan(23, 59, 59), ReplySender.Automation, WindowState.Response, TimeSpan.FromHours(24) },
        { TimeSpan.FromHours(24), ReplySender.Person, WindowState.HumanAgent, TimeSpan.FromDays(7) },
        { TimeSpan.FromHours(24), ReplySender.Automation, WindowState.Closed, TimeSpan.FromHours(24) },
        { TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), ReplySender.Person, WindowState.HumanAgent, TimeSpan.FromDays(7) },
        { TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), ReplySender.Automation, WindowState.Closed, TimeSpan.FromHours(24) },
        { TimeSpan.FromDays(7), ReplySender.Person, WindowState.Closed, TimeSpan.FromDays(7) },
        { TimeSpan.FromDays(7), ReplySender.Automation, WindowState.Closed, TimeSpan.FromHours(24) },
        { TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1), ReplySender.Person, WindowState.Closed, TimeSpan.FromDays(7) },
        { TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1), ReplySender.Automation, WindowState.Closed, TimeSpan.FromHours(24) },
        { TimeSpan.FromDays(400), ReplySender.Person, WindowState.Closed, TimeSpan.FromDays(7) },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void The_window_is_decided_at_its_edges(TimeSpan elapsed, ReplySender sender, WindowState state, TimeSpan until)
    {
        var decision = MessagingWindow.Decide(Last, Last + elapsed, sender);

        Assert.Equal(new WindowDecision(state, Last + until), decision);
    }

    [Fact]
    public void The_clock_is_passed_in()
    {
        Assert.Equal(WindowState.Response, MessagingWindow.Decide(Last, new FakeTimeProvider(Day - Second), ReplySender.Person).State);
        Assert.Equal(WindowState.HumanAgent, MessagingWindow.Decide(Last, new FakeTimeProvider(Day), ReplySender.Person).State);
        Assert.Equal(WindowState.Closed, MessagingWindow.Decide(Last, new FakeTimeProvider(Week), ReplySender.Person).State);
    }

    [Fact]
    public void Each_state_allows_its_send_mode_only()
    {
        Assert.Equal(MessengerSendMode.Response, MessagingWindow.Decide(Last, Day - Second, ReplySender.Person).SendMode);
        Assert.Equal(MessengerSendMode.HumanAgent, MessagingWindow.Decide(Last, Day, ReplySender.Person).SendMode);
        Assert.Null(MessagingWindow.Decide(Last, Day, ReplySender.Automation).SendMode);
        Assert.Null(MessagingWindow.Decide(Last, Week, ReplySender.Person).SendMode);
        Assert.False(MessagingWindow.Decide(Last, Week, ReplySender.Person).IsOpen);
    }

    [Fact]
    public void Offsets_do_not_matter_only_instants_do()
    {
        var inUtc = Last.ToUniversalTime();
        var inTokyo = (Last + TimeSpan.FromHours(24)).ToOffset(TimeSpan.FromHours(9));

        Assert.Equal(WindowState.HumanAgent, MessagingWindow.Decide(inUtc, inTokyo, ReplySender.Person).State);
        Assert.Equal(Week, MessagingWindow.Decide(inUtc, inTokyo, ReplySender.Person).Until);
    }

    [Fact]
    public void A_last_message_in_the_future_counts_as_just_sent()
    {
        Assert.Equal(new WindowDecision(WindowState.Response, Last + TimeSpan.FromHours(24)),
            MessagingWindow.Decide(Last, Last - TimeSpan.FromMinutes(5), ReplySender.Automation));
    }

    [Fact]
    public void The_final_close_is_seven_days_after_the_last_message() =>
        Assert.Equal(Week, MessagingWindow.FinalClose(Last));
}
