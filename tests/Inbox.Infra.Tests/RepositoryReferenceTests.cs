using System.Diagnostics;
using System.Text.RegularExpressions;

namespace InboxServerless.Infra.Tests;

/// <summary>
/// The repository speaks for itself: what its sources and documents cite is in the repository. No reference to notes
/// that lived beside it (the contracts and architecture notes of the workspace it was started in), every
/// <c>docs/…</c> path cited anywhere exists (with its <c>#section</c>, when one is named), and every relative link of a
/// Markdown document leads to a file or folder of the repository.
/// </summary>
public sealed partial class RepositoryReferenceTests
{
    private static readonly string Root = Bicep.RepoRoot;

    /// <summary>Names of documents that were never part of the repository; split so this file does not cite them itself.</summary>
    private static readonly string[] Outside = ["CONTRACTS" + ".md", "ARCHITECTURE" + ".md", "../" + "shared"];

    private static readonly HashSet<string> TextExtensions =
        new([".cs", ".md", ".bicep", ".csproj", ".props", ".targets", ".json", ".js", ".yaml", ".yml", ".sh", ".sln"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The repository's text files: tracked by git (or, without git, everything outside build and package output).</summary>
    public static IReadOnlyList<string> Files { get; } = ListFiles();

    [Fact]
    public void Nothing_cites_documents_outside_the_repository()
    {
        Assert.Contains("README.md", Files);
        var found = (
            from file in Files
            let text = File.ReadAllText(Path.Combine(Root, file))
            from outside in Outside
            where Regex.IsMatch(text, @"(?<![\w-])" + Regex.Escape(outside))
            select $"{file} cites {outside}, which is not in the repository: cite docs/ instead").ToList();
        Assert.True(found.Count == 0, string.Join('\n', found));
    }

    [Fact]
    public void Every_cited_docs_path_exists_with_its_section()
    {
        var cited = 0;
        var missing = new List<string>();
        foreach (var file in Files)
        {
            foreach (Match match in DocsPath().Matches(File.ReadAllText(Path.Combine(Root, file))))
            {
                cited++;
                var path = match.Groups["path"].Value;
                var anchor = match.Groups["anchor"].Success ? match.Groups["anchor"].Value : null;
                if (Problem(path, anchor) is { } problem) missing.Add($"{file}: {match.Value}: {problem}");
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
        Assert.True(cited >= 5, "Found too few docs/ citations: update this test's pattern.");
    }

    [Fact]
    public void Every_relative_link_of_a_markdown_document_exists()
    {
        var missing = new List<string>();
        foreach (var file in Files.Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)))
        {
            var folder = Path.GetDirectoryName(file) ?? "";
            foreach (Match match in MarkdownLink().Matches(File.ReadAllText(Path.Combine(Root, file))))
            {
                var target = match.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var relative = path.Length == 0 ? file : Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(Root, folder, path)));
                if (relative.StartsWith("..", StringComparison.Ordinal)) missing.Add($"{file}: ({target}) leaves the repository");
                else if (Problem(relative.Replace('\\', '/'), anchor) is { } problem) missing.Add($"{file}: ({target}): {problem}");
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    [Fact]
    public void Every_test_a_document_cites_exists()
    {
        var cited = 0;
        var missing = new List<string>();
        foreach (var file in Files.Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)))
        {
            var text = File.ReadAllText(Path.Combine(Root, file));
            foreach (Match match in CitedTest().Matches(text))
            {
                cited++;
                // A long test name may be cited by its beginning and an ellipsis.
                var shortened = match.Index + match.Length < text.Length && text[match.Index + match.Length] == '…';
                var path = Path.Combine(Root, "tests", match.Groups["file"].Value + ".cs");
                if (!File.Exists(path)) missing.Add($"{file}: {match.Value}: no such test file");
                else if (match.Groups["test"].Success && !File.ReadAllText(path).Contains(" " + match.Groups["test"].Value + (shortened ? "" : "("), StringComparison.Ordinal))
                    missing.Add($"{file}: {match.Value}: no test {match.Groups["test"].Value} in it");
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
        Assert.True(cited >= 10, "Found too few cited tests: update this test's pattern.");
    }

    /// <summary>Why a cited path (and section) is not in the repository; null when it is.</summary>
    private static string? Problem(string path, string? anchor)
    {
        var full = Path.Combine(Root, path);
        if (!File.Exists(full) && !Directory.Exists(full)) return "no such file";
        if (anchor is null || !full.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || !File.Exists(full)) return null;
        var anchors = File.ReadLines(full).Where(l => l.StartsWith('#')).Select(l => Slug(l.TrimStart('#').Trim())).ToHashSet();
        return anchors.Contains(anchor) ? null : $"no section #{anchor} in {path}";
    }

    /// <summary>The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static string Slug(string heading) =>
        string.Concat(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-');

    private static List<string> ListFiles()
    {
        var tracked = Git("ls-files", "-z");
        var files = tracked is not null
            ? tracked.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList()
            : Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
                .Where(f => !Regex.IsMatch(f, @"(^|/)(\.git|bin|obj|node_modules|TestResults|BenchmarkDotNet\.Artifacts)(/|$)"))
                .ToList();
        return
        [
            .. files.Where(f => TextExtensions.Contains(Path.GetExtension(f)) || f.StartsWith(".ci/", StringComparison.Ordinal))
                .Where(f => !f.EndsWith("package-lock.json", StringComparison.Ordinal) && !f.EndsWith(".patch", StringComparison.Ordinal))
                .Where(f => File.Exists(Path.Combine(Root, f))),
        ];
    }

    private static string? Git(params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git: list the folder instead
        }
    }

    /// <summary>A path under docs, with or without a <c>#section</c>: <c>docs/&lt;file&gt;</c>, not inside a URL or a longer path.</summary>
    [GeneratedRegex(@"(?<![\w./-])(?<path>docs/[\w./-]*\w)(?:#(?<anchor>[\w-]+))?")]
    private static partial Regex DocsPath();

    /// <summary>A test cited as <c>Inbox.X.Tests/Folder/FileTests</c>, maybe with <c>.Test_name</c> (or <c>.cs</c>).</summary>
    [GeneratedRegex(@"(?<![\w./-])(?:tests/)?(?<file>Inbox\.\w+\.Tests/[\w/]*\w+Tests)(?:\.cs\b|\.(?<test>[A-Z]\w*))?")]
    private static partial Regex CitedTest();

    /// <summary>A Markdown link or image: <c>[text](target)</c>, the target without a title.</summary>
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();
}
