using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

/// <summary>
/// Decisions made on every chat message and every reply attempt allocate nothing. Not timed: the bytes this thread
/// allocates are counted around a call made after a warm-up call, so an allocation creeping in fails the build.
/// </summary>
public sealed class AllocationFreeDecisionTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    // As the channel's settings hold them: a list behind the interface, split days and a short Saturday.
    private static readonly IReadOnlyList<OpeningHours> Week = new List<OpeningHours>(
    [
        .. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .SelectMany(day => new OpeningHours[] { new(day, new(8, 30), new(12, 30)), new(day, new(13, 30), new(18, 0)) }),
        new(DayOfWeek.Saturday, new(10, 0), new(16, 0)),
    ]);

    public static TheoryData<DateTimeOffset> Instants => new()
    {
        new DateTimeOffset(2026, 1, 14, 10, 0, 0, TimeSpan.Zero), // a winter Wednesday, open
        new DateTimeOffset(2026, 3, 29, 18, 30, 0, TimeSpan.Zero), // the Sunday of spring forward, closed
        new DateTimeOffset(2026, 7, 4, 9, 0, 0, TimeSpan.FromHours(-4)), // a summer Saturday read in New York's offset
    };

    [Theory]
    [MemberData(nameof(Instants))]
    public void Office_hours_are_decided_without_allocating(DateTimeOffset now) =>
        Assert.Equal(0, AllocatedBy(() => OfficeHoursRules.IsOpen(Week, Paris, now)));

    [Theory]
    [InlineData(1, ReplySender.Person)] // the standard window
    [InlineData(41, ReplySender.Person)] // the human-agent window
    [InlineData(41, ReplySender.Automation)] // closed for automation
    [InlineData(200, ReplySender.Person)] // closed for everyone
    public void The_messaging_window_is_decided_without_allocating(int hoursSinceLastMessage, ReplySender sender)
    {
        var now = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        var lastIncoming = now - TimeSpan.FromHours(hoursSinceLastMessage);

        Assert.Equal(0, AllocatedBy(() => MessagingWindow.Decide(lastIncoming, now, sender)));
        Assert.Equal(0, AllocatedBy(() => MessagingWindow.Decide(lastIncoming, TimeProvider.System, sender)));
    }

    /// <summary>The bytes one call allocates, after a first call has compiled it and filled the time zone's caches.</summary>
    private static long AllocatedBy<T>(Func<T> decide)
    {
        decide();
        var before = GC.GetAllocatedBytesForCurrentThread();
        decide();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
