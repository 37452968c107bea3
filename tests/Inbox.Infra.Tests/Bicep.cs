using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace InboxServerless.Infra.Tests;

/// <summary>One diagnostic as the Bicep CLI prints it: <c>path(line,col) : Warning code: message [link]</c>.</summary>
public sealed record BicepDiagnostic(string File, int Line, int Column, string Level, string Code, string Message)
{
    public bool IsError => Level == "Error";

    public override string ToString() => $"{Path.GetFileName(File)}({Line},{Column}) {Level} {Code}: {Message}";
}

public sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    public IReadOnlyList<BicepDiagnostic> Diagnostics { get; } = Bicep.ParseDiagnostics(StandardOutput + "\n" + StandardError);

    public override string ToString() =>
        $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>Runs the <c>bicep</c> executable that the Azure.Bicep.CommandLine package put in the NuGet packages folder.</summary>
public static partial class Bicep
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static string Metadata(string key) =>
        typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata: see Inbox.Infra.Tests.csproj.");

    /// <summary>The repository root, where <c>main.bicep</c> is.</summary>
    public static string RepoRoot { get; } = Path.GetFullPath(Metadata("RepoRoot"));

    public static string MainBicep { get; } = Path.Combine(RepoRoot, "main.bicep");

    /// <summary>The executable; made executable if the package was extracted without the bit.</summary>
    public static string Executable { get; } = Prepare(Metadata("BicepPath"));

    private static string Prepare(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No bicep executable at {path}: restore Azure.Bicep.CommandLine.linux-x64.", path);
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0) File.SetUnixFileMode(path, mode | execute);
        }

        return path;
    }

    public static async Task<BicepRun> Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} took longer than {Timeout}.");
        }

        return new BicepRun(process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"^(?<file>.+?)\((?<line>\d+),(?<column>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:\s]+): (?<message>.*)$",
        RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();

    public static IReadOnlyList<BicepDiagnostic> ParseDiagnostics(string output) =>
    [
        .. DiagnosticLine().Matches(output.Replace("\r", ""))
            .Select(m => new BicepDiagnostic(m.Groups["file"].Value, int.Parse(m.Groups["line"].Value),
                int.Parse(m.Groups["column"].Value), m.Groups["level"].Value, m.Groups["code"].Value, m.Groups["message"].Value.Trim()))
            .Distinct(),
    ];
}
