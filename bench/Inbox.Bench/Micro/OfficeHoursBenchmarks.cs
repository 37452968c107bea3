using BenchmarkDotNet.Attributes;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Bench.Micro;

/// <summary>
/// Whether a chat is open: a week of split opening hours in Paris, read on a Sunday evening (closed, so every
/// interval is looked at), beside the time-zone conversion it cannot avoid.
/// </summary>
[MemoryDiagnoser]
public class OfficeHoursBenchmarks
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly DateTimeOffset SundayEvening = new(2026, 3, 29, 18, 30, 0, TimeSpan.Zero); // 20:30 CEST, after spring forward

    private static readonly OpeningHours[] Week =
    [
        .. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .SelectMany(day => new OpeningHours[] { new(day, new(8, 30), new(12, 30)), new(day, new(13, 30), new(18, 0)) }),
        new(DayOfWeek.Saturday, new(10, 0), new(16, 0)),
    ];

    // As the channel's settings come from JSON: a List behind the interface.
    private readonly IReadOnlyList<OpeningHours> hours = new List<OpeningHours>(Week);

    [Benchmark(Baseline = true, Description = "TimeZoneInfo.ConvertTime alone")]
    public DateTimeOffset ConvertTime() => TimeZoneInfo.ConvertTime(SundayEvening, Paris);

    [Benchmark(Description = "OfficeHours: IsOpen over a week")]
    public bool IsOpen() => OfficeHoursRules.IsOpen(hours, Paris, SundayEvening);
}
