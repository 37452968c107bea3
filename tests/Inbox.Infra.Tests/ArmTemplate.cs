using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InboxServerless.Infra.Tests;

/// <summary>
/// A built ARM template with its nested module deployments, enough to check facts about the resources: it resolves
/// <c>[parameters('name')]</c> (a module's parameter, as its deployment passes it or by its default) and nothing else.
/// </summary>
public sealed partial class ArmTemplate
{
    public ArmTemplate(JsonObject root)
    {
        Root = new ArmScope(root, null, null);
        Resources = [.. Collect(Root)];
    }

    public ArmScope Root { get; }

    /// <summary>Every resource of the template and of its nested deployments (the modules), depth first.</summary>
    public IReadOnlyList<ArmResource> Resources { get; }

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type) => Assert.Single(OfType(type));

    /// <summary>The nested template of the module deployed under this (literal) deployment name.</summary>
    public ArmScope Module(string deploymentName) =>
        Assert.Single(Resources, r => r.Type == "Microsoft.Resources/deployments" && r.Name == deploymentName).NestedScope!;

    private static IEnumerable<ArmResource> Collect(ArmScope scope)
    {
        var resources = scope.Template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            // languageVersion 2.0 keys resources by symbolic name.
            JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };
        foreach (var node in resources)
        {
            var resource = new ArmResource(node, scope);
            yield return resource;
            if (resource.NestedScope is { } nested)
            {
                foreach (var inner in Collect(nested)) yield return inner;
            }
        }
    }

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    internal static partial Regex ParameterReference();
}

/// <summary>A template (the main one or a module's) and the parameter values its deployment passes to it.</summary>
public sealed class ArmScope(JsonObject template, JsonObject? suppliedParameters, ArmScope? parent)
{
    public JsonObject Template { get; } = template;

    /// <summary>Resolves <c>[parameters('x')]</c>, through the enclosing deployments where values are passed on; other values as they are.</summary>
    public JsonNode? Resolve(JsonNode? value)
    {
        if (value is not JsonValue v || !v.TryGetValue<string>(out var text)) return value;
        var match = ArmTemplate.ParameterReference().Match(text);
        if (!match.Success) return value;
        var name = match.Groups["name"].Value;

        if (suppliedParameters?[name] is JsonObject supplied && supplied.ContainsKey("value"))
            return parent is null ? supplied["value"] : parent.Resolve(supplied["value"]);

        var declared = Template["parameters"]?[name] as JsonObject
            ?? throw new InvalidOperationException($"The template declares no parameter '{name}'.");
        return declared["defaultValue"];
    }

    /// <summary>A parameter's value in this scope: as passed by the deployment, or its default.</summary>
    public JsonNode? Parameter(string name) => Resolve(JsonValue.Create($"[parameters('{name}')]"));

    /// <summary>A variable's value as the template holds it (expressions inside stay unresolved).</summary>
    public JsonNode? Variable(string name) => Template["variables"]?[name];

    internal ArmScope Nested(JsonObject template, JsonObject? parameters) => new(template, parameters, this);
}

public sealed class ArmResource(JsonObject node, ArmScope scope)
{
    public JsonObject Node { get; } = node;

    public ArmScope Scope { get; } = scope;

    public string Type => (string)Node["type"]!;

    /// <summary>The name as written: a literal or an expression.</summary>
    public string Name => (string)Node["name"]!;

    public JsonNode? Properties => Node["properties"];

    /// <summary>The value at a dot-separated path under the resource (e.g. <c>properties.resource.id</c>), parameters resolved.</summary>
    public JsonNode? At(string path)
    {
        JsonNode? current = Node;
        foreach (var segment in path.Split('.'))
        {
            current = Scope.Resolve(current)?[segment];
            if (current is null) return null;
        }

        return Scope.Resolve(current);
    }

    public string? StringAt(string path) => At(path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public ArmScope? NestedScope =>
        Type == "Microsoft.Resources/deployments" && Node["properties"]?["template"] is JsonObject template
            ? Scope.Nested(template, Node["properties"]?["parameters"] as JsonObject)
            : null;
}
