using System.Globalization;
using System.Runtime.InteropServices;

namespace InboxServerless.Bench.Load;

/// <summary>Figures printed as aligned rows: the measure, the baseline, their ratio, and the target with its verdict.</summary>
public static class Report
{
    public static void Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), " +
                          $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    }

    public static void Header(string title)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine($"  {"figure",-44} {"measured",14} {"baseline",14} {"ratio",8}  target");
    }

    public static void Row(string figure, double measured, double? baseline = null, string unit = "", string? target = null, bool? met = null)
    {
        var ratio = baseline is > 0 ? (measured / baseline.Value).ToString("F2", CultureInfo.InvariantCulture) : "";
        var verdict = target is null ? "" : $"{target} {(met == true ? "(met)" : "(MISSED)")}";
        Console.WriteLine($"  {figure,-44} {Format(measured, unit),14} {(baseline is null ? "" : Format(baseline.Value, unit)),14} {ratio,8}  {verdict}");
    }

    public static void Line(string text) => Console.WriteLine("  " + text);

    private static string Format(double value, string unit) => double.IsNaN(value)
        ? "n/a"
        : value.ToString(Math.Abs(value) >= 100 ? "N0" : "N2", CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : "");
}
