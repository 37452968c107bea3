using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using InboxServerless.Functions.Http;

namespace InboxServerless.Functions.OpenApi;

/// <summary>
/// JSON schemas of the API's types, made by <see cref="JsonSchemaExporter"/> from the serializer options the API reads and
/// writes with, so names, enums, required fields and the <c>kind</c> of polymorphic types are those of the wire. Every
/// object type becomes a named schema in <c>components/schemas</c>, referred to by <c>$ref</c>; a polymorphic base becomes a
/// <c>oneOf</c> of its derived types with a discriminator. OpenAPI 3.1 schemas are JSON Schema 2020-12, the exporter's dialect.
/// </summary>
public sealed class OpenApiSchemas(JsonSerializerOptions options)
{
    public const string ComponentPrefix = "#/components/schemas/";

    /// <summary>Names that say more than the .NET type's.</summary>
    private static readonly Dictionary<Type, string> Renames = new() { [typeof(HttpResults.ProblemBody)] = "ProblemDetails" };

    private readonly SortedDictionary<string, JsonNode> components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> typesByName = new(StringComparer.Ordinal);

    /// <summary>The named schemas made so far.</summary>
    public IReadOnlyDictionary<string, JsonNode> Components => components;

    /// <summary>The schema to use where a value of <paramref name="type"/> appears: a <c>$ref</c> for object types.</summary>
    public JsonNode Schema(Type type) => options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = Transform,
    });

    /// <summary>The component name of an object type: its name, generic arguments first (<c>Page&lt;Inbox&gt;</c> → <c>InboxPage</c>).</summary>
    public static string NameOf(Type type)
    {
        if (Renames.TryGetValue(type, out var renamed)) return renamed;
        if (!type.IsGenericType) return type.Name;
        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return string.Concat(type.GetGenericArguments().Select(NameOf)) + name;
    }

    /// <summary>
    /// The API leaves null fields out of what it writes, so a nullable field that the exporter lists as required (a
    /// positional record parameter, which requests must name) is not required in a schema that responses use.
    /// </summary>
    public void RelaxNullableRequired(IEnumerable<JsonNode> responseSchemas)
    {
        var pending = new Queue<string>(responseSchemas.SelectMany(References));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var name))
        {
            if (!seen.Add(name) || !components.TryGetValue(name, out var schema)) continue;
            foreach (var next in References(schema)) pending.Enqueue(next);
            if (schema is not JsonObject obj || obj["required"] is not JsonArray required || obj["properties"] is not JsonObject properties) continue;
            foreach (var field in required.ToList())
            {
                if (properties[field!.GetValue<string>()] is { } property && AllowsNull(property)) required.Remove(field);
            }

            if (required.Count == 0) obj.Remove("required");
        }
    }

    /// <summary>The component names a schema refers to, at any depth.</summary>
    public static IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith(ComponentPrefix, StringComparison.Ordinal))
                        yield return reference[ComponentPrefix.Length..];
                    foreach (var inner in References(value)) yield return inner;
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                foreach (var inner in References(item))
                    yield return inner;
                break;
        }
    }

    private JsonNode Transform(JsonSchemaExporterContext context, JsonNode node)
    {
        if (node is not JsonObject schema) return node;
        Canonical(schema);
        if (context.PropertyInfo?.AttributeProvider?.IsDefined(typeof(Core.Json.WriteOnlyAttribute), inherit: false) == true)
            schema["writeOnly"] = true;

        var info = context.TypeInfo;
        if (info.Kind != JsonTypeInfoKind.Object) return schema;

        var nullable = AllowsNull(schema);
        if (nullable) WithoutNull(schema);
        if (schema["type"] is null) schema.Insert(0, "type", "object");

        if (info.PolymorphismOptions is { } polymorphism)
        {
            // A oneOf of the derived types' own schemas (made as the exporter walked them, each with its discriminator).
            var mapping = new JsonObject();
            var oneOf = new JsonArray();
            foreach (var derived in polymorphism.DerivedTypes)
            {
                var reference = ComponentPrefix + NameOf(derived.DerivedType);
                oneOf.Add(new JsonObject { ["$ref"] = reference });
                if (derived.TypeDiscriminator is { } discriminator) mapping[discriminator.ToString()!] = reference;
            }

            schema = new JsonObject
            {
                ["type"] = "object",
                ["oneOf"] = oneOf,
                ["discriminator"] = new JsonObject { ["propertyName"] = polymorphism.TypeDiscriminatorPropertyName, ["mapping"] = mapping },
            };
            Register(info.Type, schema, overwrite: false);
        }
        else if (context.BaseTypeInfo?.PolymorphismOptions is { } basePolymorphism)
        {
            // A derived type as its base writes it: with the discriminator, which it must carry.
            var discriminator = basePolymorphism.TypeDiscriminatorPropertyName;
            if (schema["required"] is not JsonArray required) schema["required"] = required = [];
            if (!required.Any(r => r?.GetValue<string>() == discriminator)) required.Insert(0, discriminator);
            Register(info.Type, schema, overwrite: true);
        }
        else
        {
            Register(info.Type, schema, overwrite: false);
        }

        var referenceNode = new JsonObject { ["$ref"] = ComponentPrefix + NameOf(info.Type) };
        return nullable ? new JsonObject { ["anyOf"] = new JsonArray(referenceNode, new JsonObject { ["type"] = "null" }) } : referenceNode;
    }

    private void Register(Type type, JsonObject schema, bool overwrite)
    {
        var name = NameOf(type);
        if (typesByName.TryGetValue(name, out var existing) && existing != type)
        {
            throw new InvalidOperationException(
                $"Two types would share the OpenAPI schema name '{name}': {existing.FullName} and {type.FullName}. Rename one, or add it to {nameof(OpenApiSchemas)}.{nameof(Renames)}.");
        }

        typesByName[name] = type;
        if (overwrite || !components.ContainsKey(name)) components[name] = schema;
    }

    /// <summary>
    /// The web defaults read numbers from strings too, so the exporter says <c>["string","integer"]</c> with a pattern; the
    /// API writes numbers as numbers, and the document says so. And the exporter gives an enum (the API's enums are
    /// camelCase strings) no <c>type</c>, which JSON Schema allows but code generators read as "anything" (openapi-typescript
    /// typed every enum <c>unknown</c>): an enum of strings says <c>"type": "string"</c> (with <c>"null"</c> if null is one).
    /// </summary>
    private static void Canonical(JsonObject schema)
    {
        if (schema["type"] is null && schema["enum"] is JsonArray values && values.Count > 0 &&
            values.All(v => v is null || v.GetValueKind() == JsonValueKind.String))
        {
            schema.Insert(0, "type", values.Any(v => v is null) ? new JsonArray("string", "null") : JsonValue.Create("string"));
        }

        if (schema["type"] is not JsonArray types) return;
        var list = types.Select(t => t!.GetValue<string>()).ToList();
        if (!list.Contains("string") || !(list.Contains("integer") || list.Contains("number"))) return;
        list.Remove("string");
        schema.Remove("pattern");
        schema["type"] = list.Count == 1 ? list[0] : new JsonArray(list.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
    }

    /// <summary>Whether a schema admits <c>null</c>: a type list with "null", an enum with null, or an anyOf with the null type.</summary>
    public static bool AllowsNull(JsonNode schema) => schema switch
    {
        JsonObject { } o when o["type"] is JsonValue t => t.GetValue<string>() == "null",
        JsonObject { } o when o["type"] is JsonArray types => types.Any(t => t?.GetValue<string>() == "null"),
        JsonObject { } o when o["enum"] is JsonArray values => values.Any(v => v is null),
        JsonObject { } o when o["anyOf"] is JsonArray any => any.Any(s => s is not null && AllowsNull(s)),
        _ => false,
    };

    private static void WithoutNull(JsonObject schema)
    {
        if (schema["type"] is not JsonArray types) return;
        var rest = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList();
        schema["type"] = rest.Count == 1 ? rest[0] : new JsonArray(rest.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
    }
}
