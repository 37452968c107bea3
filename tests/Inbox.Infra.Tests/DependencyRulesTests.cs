using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace InboxServerless.Infra.Tests;

/// <summary>
/// What may depend on what, as README.md's "How it is built" states it, held against the project files: each source
/// project references only the projects its row allows, every source project has a row, and the dev-only project is
/// referenced by the dev host and the tests alone. The built assemblies are held to the same rules where they are built:
/// Core's references in Inbox.Core.Tests' CoreDependencyTests, the function app's output in Inbox.Functions.Tests'
/// ShippedAppTests.
/// </summary>
public sealed partial class DependencyRulesTests
{
    private static readonly string Root = Bicep.RepoRoot;

    /// <summary>The source projects: <c>functions/&lt;name&gt;/&lt;name&gt;.csproj</c> (not the build's generated ones under obj/).</summary>
    private static readonly IReadOnlyList<string> SourceProjects = Directory
        .GetDirectories(Path.Combine(Root, "functions"))
        .Select(Path.GetFileName)
        .Where(name => File.Exists(ProjectFile(name!)))
        .Order().ToList()!;

    private static string ProjectFile(string project) => Path.Combine(Root, "functions", project, project + ".csproj");

    /// <summary>README's rows <c>| `functions/Inbox.X` | holds | may depend on |</c>: the projects named in the last cell.</summary>
    private static Dictionary<string, HashSet<string>> Allowed()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var section = readme[readme.IndexOf("## How it is built", StringComparison.Ordinal)..];
        section = section[..(section.IndexOf("\n## ", 3, StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];
        return Row().Matches(section).ToDictionary(
            m => m.Groups["project"].Value,
            m => ProjectName().Matches(m.Groups["deps"].Value).Select(d => d.Groups["name"].Value).ToHashSet());
    }

    private static IEnumerable<string> References(string project, string kind) =>
        XDocument.Load(ProjectFile(project))
            .Descendants(kind).Select(e => (string)e.Attribute("Include")!)
            .Select(include => kind == "ProjectReference" ? Path.GetFileNameWithoutExtension(include.Replace('\\', '/')) : include);

    [Fact]
    public void Every_source_project_has_its_row_in_the_readme()
    {
        Assert.Contains("Inbox.Core", SourceProjects);
        Assert.Equal(SourceProjects, Allowed().Keys.Order());
    }

    [Fact]
    public void Each_project_references_only_what_its_row_allows()
    {
        var allowed = Allowed();
        var broken = (
            from project in SourceProjects
            from reference in References(project, "ProjectReference")
            where !allowed[project].Contains(reference)
            select $"{project} references {reference}; README's \"How it is built\" allows {string.Join(", ", allowed[project])}").ToList();
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Fact]
    public void Only_the_dev_host_and_the_tests_reference_the_dev_only_project()
    {
        var referrers = SourceProjects.Where(p => References(p, "ProjectReference").Contains("Inbox.Local")).ToList();
        Assert.Equal(["Inbox.DevHost"], referrers);
    }

    [GeneratedRegex(@"^\| `functions/(?<project>Inbox\.\w+)` \|[^\n]*\| (?<deps>[^|\n]*) \|\s*$", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"`(?<name>Inbox\.\w+)`")]
    private static partial Regex ProjectName();
}
