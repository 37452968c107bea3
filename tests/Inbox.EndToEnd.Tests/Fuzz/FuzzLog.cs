using System.Globalization;
using System.Text;

namespace InboxServerless.EndToEnd.Tests.Fuzz;

/// <summary>The fixed seed of the fuzz tests; <c>FUZZ_SEED</c> replays another one.</summary>
internal static class FuzzSeed
{
    public const int Default = 20_261_125;

    public static int Value => int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
        ? seed
        : Default;
}

/// <summary>Statuses seen per endpoint group, and the requests that broke a rule (the first few written out in full).</summary>
internal sealed class FuzzLog(int seed)
{
    private const int Shown = 25;
    private readonly SortedDictionary<string, SortedDictionary<int, int>> statuses = new(StringComparer.Ordinal);
    private readonly List<string> failures = [];
    private int failed;

    public int Requests { get; private set; }

    public void Seen(string group, int status)
    {
        Requests++;
        if (!statuses.TryGetValue(group, out var counts)) statuses[group] = counts = [];
        counts[status] = counts.GetValueOrDefault(status) + 1;
    }

    public void Fail(string request, string why)
    {
        failed++;
        if (failures.Count < Shown) failures.Add($"{request}: {why}");
    }

    /// <summary>One line per group: <c>group: n requests; 200×12 400×80 …</c>.</summary>
    public IEnumerable<string> Summary() => statuses.Select(g =>
        $"{g.Key}: {g.Value.Values.Sum()} requests; " + string.Join(" ", g.Value.Select(s => $"{s.Key}\u00d7{s.Value}")));

    public void AssertNone()
    {
        if (failed == 0) return;
        var message = new StringBuilder($"{failed} of {Requests} fuzzed requests broke a rule (seed {seed}; FUZZ_SEED={seed} replays them):");
        foreach (var failure in failures) message.AppendLine().Append("  ").Append(failure);
        Assert.Fail(message.ToString());
    }
}
