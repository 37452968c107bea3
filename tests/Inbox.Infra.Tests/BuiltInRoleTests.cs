using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InboxServerless.Infra.Tests;

/// <summary>
/// Every built-in role id the deployment uses is the one Microsoft publishes for that role's name, as kept (with its
/// source) in docs/azure-built-in-roles.md. ARM refuses an unknown role id only when the template is deployed, so a typo
/// in a GUID would otherwise pass every build and lint.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed partial class BuiltInRoleTests(BicepFixture bicep)
{
    private static readonly string TablePath = Path.Combine(Bicep.RepoRoot, "docs", "azure-built-in-roles.md");

    public sealed record Role(string Name, string Id, string Source);

    /// <summary>The rows of the tables in docs/azure-built-in-roles.md: name, id, the page it comes from.</summary>
    public static IReadOnlyList<Role> Table { get; } =
    [
        .. File.ReadAllLines(TablePath)
            .Select(line => TableRow().Match(line))
            .Where(m => m.Success)
            .Select(m => new Role(m.Groups["name"].Value.Trim(), m.Groups["id"].Value, m.Groups["source"].Value)),
    ];

    /// <summary><c>Storage Blob Data Owner</c> and <c>storageBlobDataOwner</c> are the same name.</summary>
    private static string Key(string name) => string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant();

    [Fact]
    public void The_table_has_one_sourced_row_per_role()
    {
        Assert.True(Table.Count >= 7, $"Could not read the roles from {TablePath}: update this test to its new shape.");
        Assert.Equal(Table.Count, Table.Select(r => Key(r.Name)).Distinct().Count());
        Assert.Equal(Table.Count, Table.Select(r => r.Id).Distinct().Count());
        Assert.All(Table, r => Assert.Matches(@"^https://(learn\.microsoft\.com|docs\.azure\.cn)/", r.Source));
    }

    /// <summary>
    /// Every role id the built template holds in a variable (a GUID, or an object of GUIDs) is named after a role of the
    /// table and is that role's id.
    /// </summary>
    [Fact]
    public void Every_role_id_in_the_template_is_the_id_of_the_role_it_is_named_after()
    {
        var template = bicep.RequireTemplate();
        var scopes = new[] { template.Root }.Concat(template.Resources.Select(r => r.NestedScope).OfType<ArmScope>());
        var named = (
            from scope in scopes
            from variable in scope.Template["variables"] as JsonObject ?? []
            from entry in variable.Value is JsonObject obj ? obj.Select(p => (p.Key, p.Value)) : [(variable.Key, variable.Value)]
            where entry.Value is JsonValue v && v.TryGetValue<string>(out var text) && Guid().IsMatch(text)
            select (Name: entry.Key, Id: entry.Value!.GetValue<string>())).ToList();
        Assert.True(named.Count >= 7, "Found too few role ids in the template's variables: update this test to the template's shape.");

        var byKey = Table.ToDictionary(r => Key(r.Name));
        foreach (var (name, id) in named)
        {
            Assert.True(byKey.TryGetValue(Key(name), out var role),
                $"The template's '{name}' ({id}) is named after no role of docs/azure-built-in-roles.md: name it after its role, and add the role with its source.");
            Assert.True(role.Id == id, $"'{name}' is {id} in the template, but {role.Name} is {role.Id} ({role.Source}).");
        }
    }

    /// <summary>No role id hides in the Bicep sources outside a named variable: every GUID there is in the table.</summary>
    [Fact]
    public void Every_guid_in_the_bicep_sources_is_a_role_of_the_table()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Bicep.RepoRoot, "infra"), "*.bicep", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Bicep.MainBicep)
            .ToList();
        var ids = Table.Select(r => r.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var found = 0;
        foreach (var file in sources)
        {
            foreach (Match match in Guid().Matches(File.ReadAllText(file)))
            {
                found++;
                Assert.True(ids.Contains(match.Value),
                    $"{Path.GetRelativePath(Bicep.RepoRoot, file)}: {match.Value} is not a role id of docs/azure-built-in-roles.md.");
            }
        }

        Assert.True(found >= 7, "Found too few GUIDs in infra/ and main.bicep.");
    }

    /// <summary>What the identity is granted, by role name (the ids are checked above).</summary>
    [Fact]
    public void The_identity_gets_its_data_roles()
    {
        var template = bicep.RequireTemplate();
        var roles = template.Module("roles");
        var ids = (JsonObject)roles.Variable("roles")!;
        var names = Table.ToDictionary(r => r.Id, r => r.Name);
        var granted = template.OfType("Microsoft.Authorization/roleAssignments")
            .SelectMany(a => Regex.Matches(a.StringAt("properties.roleDefinitionId")!, @"variables\('roles'\)\.(?<role>\w+)"))
            .Select(m => NameOf((string)ids[m.Groups["role"].Value]!))
            .ToHashSet();
        Assert.Equal(new HashSet<string>
        {
            "Storage Blob Data Owner",
            "Storage Queue Data Contributor",
            "Storage Table Data Contributor",
            "Azure Service Bus Data Owner",
            "Key Vault Secrets Officer",
            "Monitoring Metrics Publisher",
        }, granted);

        var cosmos = template.Single("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
        var variable = Assert.Single(Regex.Matches(cosmos.StringAt("properties.roleDefinitionId")!, @"variables\('(?<name>\w+)'\)")).Groups["name"].Value;
        Assert.Equal("Cosmos DB Built-in Data Contributor", NameOf((string)roles.Variable(variable)!));

        string NameOf(string id) => names.TryGetValue(id, out var name) ? name : $"{id}, no role of docs/azure-built-in-roles.md";
    }

    [GeneratedRegex(@"^\|\s*(?<name>[^|]+?)\s*\|\s*(?<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s*\|\s*<(?<source>https://[^>\s]+)>\s*\|\s*$")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();
}
