using System.Globalization;

namespace InboxServerless.Bench.Load;

/// <summary><c>--name value</c> options with defaults; an unknown name is an error, so a typo does not run the defaults.</summary>
public sealed class BenchOptions
{
    private readonly Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> read = new(StringComparer.OrdinalIgnoreCase);

    public BenchOptions(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Expected --name value, got '{args[i]}'.");
            values[args[i][2..]] = args[++i];
        }
    }

    public int Int(string name, int fallback)
    {
        read.Add(name);
        return values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Call once every option is read: names nobody read are typos.</summary>
    public void CheckAllKnown()
    {
        var unknown = values.Keys.Where(k => !read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }
}
