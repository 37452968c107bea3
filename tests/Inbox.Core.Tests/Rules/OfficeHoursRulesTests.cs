using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public class OfficeHoursRulesTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static OpeningHours Hours(DayOfWeek day, int startHour, int endHour) =>
        new(day, new TimeOnly(startHour, 0), new TimeOnly(endHour, 0));

    private static readonly OpeningHours[] WeekendNineToFive =
        [Hours(DayOfWeek.Saturday, 9, 17), Hours(DayOfWeek.Sunday, 9, 17)];

    private static DateTimeOffset Utc(int month, int day, int hour, int minute, int second = 0) =>
        new(2026, month, day, hour, minute, second, TimeSpan.Zero);

    private static bool IsOpen(IReadOnlyList<OpeningHours> hours, TimeZoneInfo zone, DateTimeOffset now) =>
        OfficeHoursRules.IsOpen(hours, zone, now);

    [Fact]
    public void No_hours_is_never_open() => Assert.False(IsOpen([], Paris, Utc(1, 14, 12, 0)));

    // ---- Paris, spring forward on Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC) ----

    [Theory]
    [InlineData(3, 28, 7, 59, 59, false)] // Sat 08:59:59 CET
    [InlineData(3, 28, 8, 0, 0, true)] // Sat 09:00 CET, the start is open
    [InlineData(3, 28, 15, 59, 59, true)] // Sat 16:59:59 CET
    [InlineData(3, 28, 16, 0, 0, false)] // Sat 17:00 CET, the end is closed
    [InlineData(3, 29, 6, 59, 59, false)] // Sun 08:59:59 CEST
    [InlineData(3, 29, 7, 0, 0, true)] // Sun 09:00 CEST (would be 08:00 in CET)
    [InlineData(3, 29, 7, 30, 0, true)] // Sun 09:30 CEST
    [InlineData(3, 29, 14, 59, 59, true)] // Sun 16:59:59 CEST
    [InlineData(3, 29, 15, 0, 0, false)] // Sun 17:00 CEST (would be 16:00 in CET)
    public void Paris_across_spring_forward(int month, int day, int hour, int minute, int second, bool open) =>
        Assert.Equal(open, IsOpen(WeekendNineToFive, Paris, Utc(month, day, hour, minute, second)));

    [Fact]
    public void Paris_hours_within_the_skipped_hour_never_open()
    {
        OpeningHours[] skipped = [new(DayOfWeek.Sunday, new TimeOnly(2, 0), new TimeOnly(3, 0))];

        Assert.False(IsOpen(skipped, Paris, Utc(3, 29, 0, 59, 59))); // 01:59:59 CET
        Assert.False(IsOpen(skipped, Paris, Utc(3, 29, 1, 0, 0))); // 03:00 CEST
    }

    [Theory]
    [InlineData(10, 24, 6, 59, false)] // Sat 08:59 CEST
    [InlineData(10, 24, 7, 0, true)] // Sat 09:00 CEST
    [InlineData(10, 25, 7, 0, false)] // Sun 08:00 CET, after fall back
    [InlineData(10, 25, 8, 0, true)] // Sun 09:00 CET
    [InlineData(10, 25, 15, 59, true)] // Sun 16:59 CET
    [InlineData(10, 25, 16, 0, false)] // Sun 17:00 CET
    public void Paris_across_fall_back(int month, int day, int hour, int minute, bool open) =>
        Assert.Equal(open, IsOpen(WeekendNineToFive, Paris, Utc(month, day, hour, minute)));

    // ---- New York, fall back on Sunday 2026-11-01: 02:00 EDT becomes 01:00 EST (06:00 UTC) ----

    [Theory]
    [InlineData(10, 31, 12, 59, false)] // Sat 08:59 EDT
    [InlineData(10, 31, 13, 0, true)] // Sat 09:00 EDT
    [InlineData(10, 31, 20, 59, true)] // Sat 16:59 EDT
    [InlineData(10, 31, 21, 0, false)] // Sat 17:00 EDT
    [InlineData(11, 1, 13, 0, false)] // Sun 08:00 EST (would be 09:00 in EDT)
    [InlineData(11, 1, 13, 59, false)] // Sun 08:59 EST
    [InlineData(11, 1, 14, 0, true)] // Sun 09:00 EST
    [InlineData(11, 1, 21, 59, true)] // Sun 16:59 EST
    [InlineData(11, 1, 22, 0, false)] // Sun 17:00 EST
    public void New_York_across_fall_back(int month, int day, int hour, int minute, bool open) =>
        Assert.Equal(open, IsOpen(WeekendNineToFive, NewYork, Utc(month, day, hour, minute)));

    [Theory]
    [InlineData(4, 59, false)] // 00:59 EDT
    [InlineData(5, 0, true)] // 01:00 EDT
    [InlineData(5, 59, true)] // 01:59 EDT
    [InlineData(6, 0, true)] // 01:00 EST, the hour again
    [InlineData(6, 59, true)] // 01:59 EST
    [InlineData(7, 0, false)] // 02:00 EST
    public void New_York_hour_repeated_at_fall_back_is_open_both_times(int hour, int minute, bool open) =>
        Assert.Equal(open, IsOpen([Hours(DayOfWeek.Sunday, 1, 2)], NewYork, Utc(11, 1, hour, minute)));

    [Theory]
    [InlineData(3, 7, 14, 0, true)] // Sat 09:00 EST
    [InlineData(3, 8, 13, 0, true)] // Sun 09:00 EDT, after spring forward
    [InlineData(3, 8, 12, 59, false)] // Sun 08:59 EDT
    [InlineData(3, 8, 21, 0, false)] // Sun 17:00 EDT
    public void New_York_across_spring_forward(int month, int day, int hour, int minute, bool open) =>
        Assert.Equal(open, IsOpen(WeekendNineToFive, NewYork, Utc(month, day, hour, minute)));

    // ---- edges ----

    [Theory]
    [InlineData(20, 59, 59, false)] // Fri 21:59:59 CET
    [InlineData(21, 0, 0, true)] // Fri 22:00 CET
    [InlineData(22, 59, 59, true)] // Fri 23:59:59 CET
    public void Interval_ending_at_00_00_runs_until_midnight(int hour, int minute, int second, bool open) =>
        Assert.Equal(open, IsOpen([Hours(DayOfWeek.Friday, 22, 0)], Paris, Utc(1, 16, hour, minute, second)));

    [Fact]
    public void Interval_ending_at_00_00_does_not_spill_into_the_next_day() =>
        Assert.False(IsOpen([Hours(DayOfWeek.Friday, 22, 0)], Paris, Utc(1, 16, 23, 0))); // Sat 00:00 CET

    [Fact]
    public void Whole_day_from_00_00_to_00_00()
    {
        OpeningHours[] allFriday = [Hours(DayOfWeek.Friday, 0, 0)];

        Assert.False(IsOpen(allFriday, Paris, Utc(1, 15, 22, 59, 59))); // Thu 23:59:59 CET
        Assert.True(IsOpen(allFriday, Paris, Utc(1, 15, 23, 0))); // Fri 00:00 CET
        Assert.True(IsOpen(allFriday, Paris, Utc(1, 16, 22, 59, 59))); // Fri 23:59:59 CET
        Assert.False(IsOpen(allFriday, Paris, Utc(1, 16, 23, 0))); // Sat 00:00 CET
    }

    [Fact]
    public void Day_is_the_local_day_of_the_inbox()
    {
        var sundayUtcMondayParis = Utc(1, 18, 23, 30); // Sun 23:30 UTC is Mon 00:30 CET

        Assert.True(IsOpen([Hours(DayOfWeek.Monday, 0, 1)], Paris, sundayUtcMondayParis));
        Assert.False(IsOpen([Hours(DayOfWeek.Sunday, 23, 0)], Paris, sundayUtcMondayParis));
    }

    [Fact]
    public void Offset_of_the_clock_reading_does_not_matter()
    {
        var instant = Utc(3, 29, 7, 0);

        Assert.Equal(
            IsOpen(WeekendNineToFive, Paris, instant),
            IsOpen(WeekendNineToFive, Paris, instant.ToOffset(TimeSpan.FromHours(-7))));
    }

    [Fact]
    public void Any_of_several_intervals_of_a_day_opens()
    {
        OpeningHours[] splitDay = [Hours(DayOfWeek.Monday, 9, 12), Hours(DayOfWeek.Monday, 14, 18)];

        Assert.True(IsOpen(splitDay, Paris, Utc(1, 12, 10, 0))); // Mon 11:00 CET
        Assert.False(IsOpen(splitDay, Paris, Utc(1, 12, 12, 0))); // Mon 13:00 CET
        Assert.True(IsOpen(splitDay, Paris, Utc(1, 12, 13, 0))); // Mon 14:00 CET
    }
}
