using System.Text.RegularExpressions;

namespace InboxServerless.Infra.Tests;

/// <summary>
/// A type's namespace is its folder (<c>functions/Inbox.Core/Rules/ThreadRules.cs</c> is in
/// <c>InboxServerless.Core.Rules</c>), so the folder tree is the map of the code and a using names where a thing lives.
/// </summary>
public sealed partial class NamespaceTests
{
    /// <summary>Where the namespace is someone else's to decide: the worker SDK looks for its trigger attributes there.</summary>
    private static readonly Dictionary<string, string> Exceptions = new()
    {
        ["functions/Inbox.Functions/Queue/ServiceBusTriggerAttribute.cs"] = "Microsoft.Azure.Functions.Worker",
    };

    [Fact]
    public void Every_source_file_is_in_the_namespace_of_its_folder()
    {
        var checkedFiles = 0;
        var wrong = new List<string>();
        foreach (var file in RepositoryReferenceTests.Files.Where(f => f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            var parts = file.Split('/');
            if (parts is not ["functions" or "tests" or "bench", var project, .., _] || !project.StartsWith("Inbox.", StringComparison.Ordinal)) continue;
            if (Namespace().Match(File.ReadAllText(Path.Combine(Bicep.RepoRoot, file))) is not { Success: true } declared) continue;

            checkedFiles++;
            var expected = Exceptions.GetValueOrDefault(file)
                ?? string.Join('.', ["InboxServerless", project["Inbox.".Length..], .. parts[2..^1]]);
            if (declared.Groups["name"].Value != expected) wrong.Add($"{file}: namespace {declared.Groups["name"].Value}, its folder says {expected}");
        }

        Assert.True(checkedFiles > 100, $"Only {checkedFiles} files checked: update this test's paths.");
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [GeneratedRegex(@"^namespace (?<name>[\w.]+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();
}
