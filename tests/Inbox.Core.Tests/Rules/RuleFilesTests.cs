using System.Text.RegularExpressions;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

/// <summary>
/// A rule is where its name says: every rule type (a public static class in <c>InboxServerless.Core.Rules</c>) is alone in
/// <c>functions/Inbox.Core/Rules/&lt;Name&gt;.cs</c>, and its tests are in <c>tests/Inbox.Core.Tests/Rules/&lt;Name&gt;Tests.cs</c>.
/// </summary>
public sealed partial class RuleFilesTests
{
    private static readonly string Root = FindRepoRoot();
    private static readonly string RulesFolder = Path.Combine(Root, "functions", "Inbox.Core", "Rules");
    private static readonly string TestsFolder = Path.Combine(Root, "tests", "Inbox.Core.Tests", "Rules");

    public static TheoryData<string> RuleTypes
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var type in typeof(ChannelRules).Assembly.GetExportedTypes()
                         .Where(t => t.Namespace == typeof(ChannelRules).Namespace && t is { IsAbstract: true, IsSealed: true })
                         .OrderBy(t => t.Name, StringComparer.Ordinal))
                names.Add(type.Name);
            return names;
        }
    }

    [Theory]
    [MemberData(nameof(RuleTypes))]
    public void A_rule_type_is_in_the_file_of_its_name(string name)
    {
        var file = Path.Combine(RulesFolder, name + ".cs");

        Assert.True(File.Exists(file), $"{name} is not in functions/Inbox.Core/Rules/{name}.cs.");
        Assert.Equal([name], StaticClassesIn(file));
    }

    [Theory]
    [MemberData(nameof(RuleTypes))]
    public void A_rule_type_has_its_tests_at_the_mirrored_path(string name)
    {
        var file = Path.Combine(TestsFolder, name + "Tests.cs");

        Assert.True(File.Exists(file), $"{name} has no tests/Inbox.Core.Tests/Rules/{name}Tests.cs.");
        Assert.Matches($@"\bclass {name}Tests\b", File.ReadAllText(file));
    }

    [Fact]
    public void Every_file_in_Rules_holds_one_rule_type_named_after_it()
    {
        var files = Directory.GetFiles(RulesFolder, "*.cs", SearchOption.AllDirectories);

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.Equal([Path.GetFileNameWithoutExtension(file)], StaticClassesIn(file)));
    }

    private static List<string> StaticClassesIn(string file) =>
        [.. StaticClass().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"\bstatic\s+(?:partial\s+)?class\s+(\w+)")]
    private static partial Regex StaticClass();

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "InboxServerless.sln"))) dir = dir.Parent;
        return dir.FullName;
    }
}
