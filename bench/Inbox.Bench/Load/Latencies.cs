using System.Diagnostics;

namespace InboxServerless.Bench.Load;

/// <summary>Latencies in stopwatch ticks, summarised as percentiles in milliseconds.</summary>
public sealed class Latencies(IEnumerable<long> ticks)
{
    private readonly long[] sorted = [.. ticks.Order()];

    public int Count => sorted.Length;

    public double Percentile(double p) =>
        sorted.Length == 0 ? double.NaN : Milliseconds(sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)]);

    public double Max => sorted.Length == 0 ? double.NaN : Milliseconds(sorted[^1]);

    public override string ToString() =>
        $"p50 {Percentile(50):F2} ms, p99 {Percentile(99):F2} ms, p99.9 {Percentile(99.9):F2} ms, max {Max:F2} ms";

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
