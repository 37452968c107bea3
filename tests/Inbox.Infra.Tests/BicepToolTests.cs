using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace InboxServerless.Infra.Tests;

/// <summary>main.bicep and its modules build and lint cleanly with the pinned Bicep CLI.</summary>
[Collection(BicepCollection.Name)]
public sealed class BicepToolTests(BicepFixture bicep, ITestOutputHelper output)
{
    private void Report(string command, BicepRun run)
    {
        output.WriteLine($"bicep {command}: exit code {run.ExitCode}, {run.Diagnostics.Count} diagnostic(s)");
        foreach (var diagnostic in run.Diagnostics) output.WriteLine("  " + diagnostic);
    }

    [Fact]
    public void Build_succeeds_without_errors()
    {
        Report("build", bicep.Build);
        Assert.True(bicep.Build.ExitCode == 0, bicep.Build.ToString());
        Assert.DoesNotContain(bicep.Build.Diagnostics, d => d.IsError);
        Assert.NotNull(bicep.Template);
    }

    [Fact]
    public void Lint_reports_no_errors()
    {
        Report("lint", bicep.Lint);
        Assert.True(bicep.Lint.ExitCode == 0, bicep.Lint.ToString());
        Assert.DoesNotContain(bicep.Lint.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void Lint_and_build_report_no_warnings()
    {
        Report("lint", bicep.Lint);
        Report("build", bicep.Build);
        var warnings = bicep.Lint.Diagnostics.Concat(bicep.Build.Diagnostics).Where(d => !d.IsError).Distinct().ToList();
        Assert.True(warnings.Count == 0, "Warnings:\n" + string.Join("\n", warnings));
    }

    [Fact]
    public void Build_leaves_no_main_json_in_the_repository()
    {
        // The fixture builds into a temporary folder; an ARM file beside main.bicep would go stale.
        Assert.False(File.Exists(Path.Combine(Bicep.RepoRoot, "main.json")));
    }

    [Fact]
    public void Modules_are_local_files_only()
    {
        // Registry modules (br:, br/public:, ts:) cannot be restored offline.
        var files = Directory.GetFiles(Path.Combine(Bicep.RepoRoot, "infra"), "*.bicep").Append(Bicep.MainBicep).ToList();
        Assert.Contains(files, f => Path.GetFileName(f) == "main.bicep");
        foreach (var file in files)
        {
            foreach (Match module in Regex.Matches(File.ReadAllText(file), @"^\s*module\s+\w+\s+'(?<source>[^']+)'", RegexOptions.Multiline))
            {
                var source = module.Groups["source"].Value;
                Assert.False(source.StartsWith("br", StringComparison.Ordinal) || source.StartsWith("ts:", StringComparison.Ordinal),
                    $"{Path.GetFileName(file)} uses the registry module {source}.");
                Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(file)!, source)), $"{Path.GetFileName(file)}: no file {source}.");
            }
        }
    }
}
