using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InboxServerless.Core.Json;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.OpenApi;

/// <summary>One HTTP-triggered function, as its attributes declare it.</summary>
/// <param name="Name">The name in <c>[Function(name)]</c>: the operation id.</param>
/// <param name="Route">The route as declared, without the host's prefix (the function's name when it declares none).</param>
/// <param name="Methods">Lower-case HTTP methods; every common method when the trigger names none.</param>
public sealed record HttpFunction(string Name, MethodInfo Method, HttpTriggerAttribute Trigger, string Route, IReadOnlyList<string> Methods)
{
    /// <summary>Webhooks are let through App Service Authentication unauthenticated; they check the sender's signature.</summary>
    public bool IsWebhook => Route.Equals("webhooks", StringComparison.OrdinalIgnoreCase) ||
                             Route.StartsWith("webhooks/", StringComparison.OrdinalIgnoreCase);

    public bool ReadsBody => Methods.Any(m => m is "post" or "put" or "patch");
}

/// <summary>
/// The OpenAPI 3.1 document of every HTTP function of an assembly, made from the code: paths, methods, path parameters and
/// operation ids from <c>[Function]</c> and <c>[HttpTrigger]</c>, everything else from the <c>OpenApi*</c> attributes beside
/// them, schemas from the serializer options the API uses. A new function is in it the moment it is declared.
/// </summary>
public static partial class OpenApiDocumentBuilder
{
    public const string Version = "3.1.0";
    public const string PrincipalScheme = "appServicePrincipal";

    /// <summary>Problem details every operation documents: bad input, no caller, a role or account that may not, nothing there.</summary>
    public static readonly IReadOnlyList<int> DefaultProblems = [400, 401, 403, 404];

    private static readonly string[] AnyMethod = ["get", "post", "put", "patch", "delete"];

    /// <summary>The HTTP functions of an assembly, by name. The same discovery as the Functions SDK and the dev host.</summary>
    public static IReadOnlyList<HttpFunction> HttpFunctions(Assembly assembly) =>
    [
        .. from type in assembly.GetTypes()
           where type.IsClass
           from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
           let function = method.GetCustomAttribute<FunctionAttribute>()
           where function is not null
           let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)
           where trigger is not null
           let route = string.IsNullOrWhiteSpace(trigger.Route) ? function.Name : trigger.Route.Trim('/')
           let methods = trigger.Methods is { Length: > 0 } declared ? declared.Select(m => m.ToLowerInvariant()).Distinct().ToList() : [.. AnyMethod]
           orderby function.Name
           select new HttpFunction(function.Name, method, trigger, route, methods),
    ];

    /// <summary>A route as an OpenAPI path: <c>/api/inboxes/{inboxId}</c>, constraints, defaults and catch-all marks dropped.</summary>
    public static string PathOf(string routePrefix, string route)
    {
        var prefix = routePrefix.Trim('/');
        var template = RouteParameter().Replace(route.Trim('/'), m => "{" + m.Groups["name"].Value + "}");
        return "/" + (prefix.Length == 0 ? template : $"{prefix}/{template}");
    }

    public static IReadOnlyList<string> PathParameters(string route) =>
        [.. RouteParameter().Matches(route).Select(m => m.Groups["name"].Value)];

    public static JsonObject Build(Assembly assembly, string routePrefix)
    {
        var schemas = new OpenApiSchemas(InboxJson.Api);
        var responseSchemas = new List<JsonNode>();
        var problemSchema = schemas.Schema(typeof(HttpResults.ProblemBody));
        responseSchemas.Add(problemSchema);

        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var problems = new SortedSet<int>();
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var function in HttpFunctions(assembly))
        {
            var path = PathOf(routePrefix, function.Route);
            if (!paths.TryGetValue(path, out var item)) paths[path] = item = [];
            var tag = TagOf(function.Method.DeclaringType!);
            tags.Add(tag);
            foreach (var method in function.Methods)
            {
                if (item.ContainsKey(method))
                    throw new InvalidOperationException($"Two functions answer {method.ToUpperInvariant()} {path}; the second is {function.Name}.");
                var operationId = function.Methods.Count == 1 ? function.Name : function.Name + char.ToUpperInvariant(method[0]) + method[1..];
                item[method] = Operation(function, operationId, tag, schemas, responseSchemas, problems);
            }
        }

        schemas.RelaxNullableRequired(responseSchemas);

        var problemResponses = new JsonObject();
        foreach (var status in problems) problemResponses[ProblemResponseName(status)] = ProblemResponse(status, problemSchema);

        return new JsonObject
        {
            ["openapi"] = Version,
            ["info"] = new JsonObject
            {
                ["title"] = "InboxServerless API",
                ["version"] = assembly.GetName().Version?.ToString() ?? "1.0.0",
                ["description"] =
                    "Shared team inboxes: admin, directory and agent endpoints. Generated from the function app's code. " +
                    "Every endpoint but the webhooks sits behind App Service Authentication, which passes the signed-in caller on " +
                    $"in the {ClientPrincipal.Header} header; endpoints under /{Prefixed(routePrefix, "webhooks/")} are let through " +
                    "unauthenticated and check the sender's signature instead. Errors are RFC 7807 problem details. " +
                    "Responses leave null fields out.",
            },
            // Paths carry the route prefix (/api/...), so the server is the root of the host that serves this document:
            // a relative URL, resolved against where the document was read from (the function app, or the dev host).
            ["servers"] = new JsonArray(new JsonObject
            {
                ["url"] = "/",
                ["description"] = "The host serving this document: the function app in Azure, http://127.0.0.1:7071 locally.",
            }),
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)new JsonObject { ["name"] = t })]),
            ["paths"] = new JsonObject(paths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject(schemas.Components.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
                ["responses"] = problemResponses,
                ["securitySchemes"] = new JsonObject
                {
                    [PrincipalScheme] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["in"] = "header",
                        ["name"] = ClientPrincipal.Header,
                        ["description"] =
                            "App Service Authentication (Entra ID) signs the caller in and sets this header, base64 JSON of the " +
                            "token's claims, on every request it lets through; it strips the header from what clients send. " +
                            "A client authenticates to App Service (a bearer token or its session cookie), not by sending the header. " +
                            $"Roles: the app roles {ClientPrincipal.AccountAdminRole} and {ClientPrincipal.SuperAdminRole}; every user of an account is a member. " +
                            "The local dev host adds a development principal.",
                    },
                },
            },
            ["security"] = new JsonArray(new JsonObject { [PrincipalScheme] = new JsonArray() }),
        };
    }

    private static JsonObject Operation(
        HttpFunction function, string operationId, string tag, OpenApiSchemas schemas, List<JsonNode> responseSchemas, SortedSet<int> problemsUsed)
    {
        var method = function.Method;
        var operation = new JsonObject
        {
            // Paths carry the route prefix (/api/...), so the server is the root of the host that serves this document:
            // a relative URL, resolved against where the document was read from (the function app, or the dev host).
            ["servers"] = new JsonArray(new JsonObject
            {
                ["url"] = "/",
                ["description"] = "The host serving this document: the function app in Azure, http://127.0.0.1:7071 locally.",
            }),
            ["tags"] = new JsonArray(tag),
            ["summary"] = Humanize(function.Name),
            ["operationId"] = operationId,
        };

        var parameters = new JsonArray();
        foreach (var name in PathParameters(function.Route))
        {
            var type = method.GetParameters().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.ParameterType;
            parameters.Add(new JsonObject
            {
                ["name"] = name,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = schemas.Schema(type is null || type == typeof(string) ? typeof(string) : Nullable.GetUnderlyingType(type) ?? type),
            });
        }

        foreach (var query in method.GetCustomAttributes<OpenApiQueryAttribute>())
        {
            var parameter = new JsonObject { ["name"] = query.Name, ["in"] = "query", ["required"] = query.Required };
            if (query.Description is not null) parameter["description"] = query.Description;
            parameter["schema"] = schemas.Schema(query.Type);
            parameters.Add(parameter);
        }

        foreach (var header in method.GetCustomAttributes<OpenApiHeaderAttribute>())
        {
            var parameter = new JsonObject { ["name"] = header.Name, ["in"] = "header", ["required"] = header.Required };
            if (header.Description is not null) parameter["description"] = header.Description;
            parameter["schema"] = new JsonObject { ["type"] = "string" };
            parameters.Add(parameter);
        }

        var ifMatch = method.GetCustomAttribute<OpenApiIfMatchAttribute>();
        if (ifMatch is not null)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = "If-Match",
                ["in"] = "header",
                ["required"] = ifMatch.Required,
                ["description"] = "The ETag of the version read: the change applies only if nobody changed the resource since" +
                                  (ifMatch.Required ? "." : "; without it, the change applies to the current version."),
                ["schema"] = new JsonObject { ["type"] = "string" },
            });
        }

        if (parameters.Count > 0) operation["parameters"] = parameters;

        var body = method.GetCustomAttribute<OpenApiBodyAttribute>();
        if (body is not null)
        {
            var requestBody = new JsonObject { ["required"] = true };
            if (body.Description is not null) requestBody["description"] = body.Description;
            if (body.Types.Count == 0) throw new InvalidOperationException($"{function.Name}: [OpenApiBody] names no type.");
            var schema = body.Types.Count == 1
                ? schemas.Schema(body.Types[0])
                : new JsonObject { ["oneOf"] = new JsonArray([.. body.Types.Select(schemas.Schema)]) };
            requestBody["content"] = new JsonObject { [body.ContentType] = new JsonObject { ["schema"] = schema } };
            operation["requestBody"] = requestBody;
        }

        var responses = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var response in method.GetCustomAttributes<OpenApiResponseAttribute>())
        {
            var documented = new JsonObject { ["description"] = response.Description ?? ReasonPhrases.GetReasonPhrase(response.Status) };
            var headers = new JsonObject();
            if (response.ETag)
            {
                headers["ETag"] = new JsonObject
                {
                    ["description"] = "The version of the resource; send it back in If-Match to change it.",
                    ["schema"] = new JsonObject { ["type"] = "string" },
                };
            }

            if (response.Location)
            {
                headers["Location"] = new JsonObject
                {
                    ["description"] = "Where the created resource is.",
                    ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "uri-reference" },
                };
            }

            if (headers.Count > 0) documented["headers"] = headers;
            if (response.Type is not null)
            {
                var schema = schemas.Schema(response.Type);
                responseSchemas.Add(schema);
                documented["content"] = new JsonObject { [response.ContentType] = new JsonObject { ["schema"] = schema } };
            }

            responses[response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = documented;
        }

        // An operation nobody described yet still says that it answers; the tests ask for the real description.
        if (!responses.Keys.Any(k => k.StartsWith('2'))) responses["200"] = new JsonObject { ["description"] = "OK" };

        var problems = new SortedSet<int>(DefaultProblems);
        if (body is not null) problems.UnionWith([413, 415]);
        if (ifMatch is not null) problems.Add(412);
        if (ifMatch is { Required: true }) problems.Add(428);
        foreach (var extra in method.GetCustomAttributes<OpenApiProblemAttribute>()) problems.UnionWith(extra.Statuses);
        foreach (var status in problems)
        {
            problemsUsed.Add(status);
            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                new JsonObject { ["$ref"] = "#/components/responses/" + ProblemResponseName(status) };
        }

        operation["responses"] = new JsonObject(responses.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value)));

        if (function.IsWebhook)
        {
            operation["description"] = "A webhook: not behind App Service Authentication; the request is authenticated by the sender's signature.";
            operation["security"] = new JsonArray();
        }

        return operation;
    }

    private static string ProblemResponseName(int status) => status switch
    {
        413 => "ContentTooLarge",
        _ => string.Concat(ReasonPhrases.GetReasonPhrase(status).Split(' ', '-')) is { Length: > 0 } name ? name : $"Status{status}",
    };

    private static JsonObject ProblemResponse(int status, JsonNode problemSchema) => new()
    {
        ["description"] = status switch
        {
            400 => "The request is not valid: a malformed body, a bad route or query value, or a rule it breaks; errors names each field.",
            401 => $"No signed-in caller (no valid {ClientPrincipal.Header}), or for a webhook, no valid signature.",
            403 => "The caller's role or account may not do this.",
            404 => "Not found, or not visible to the caller.",
            409 => "Conflicts with the current state: a name or a channel already taken.",
            412 => "The If-Match ETag is stale: someone else changed the resource; read it again.",
            413 => "The body is too large.",
            415 => "The body is not application/json.",
            428 => "An If-Match header is required.",
            _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : $"Status {status}.",
        },
        ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = problemSchema.DeepClone() } },
    };

    /// <summary><c>InboxFunctions</c> → <c>Inbox</c>.</summary>
    private static string TagOf(Type type) =>
        type.Name.EndsWith("Functions", StringComparison.Ordinal) && type.Name.Length > "Functions".Length ? type.Name[..^"Functions".Length] : type.Name;

    /// <summary><c>SetConversationAssignee</c> → <c>Set conversation assignee</c>.</summary>
    private static string Humanize(string name) =>
        CamelWord().Replace(name, m => " " + m.Value.ToLowerInvariant()).Trim() is var text && text.Length > 0
            ? char.ToUpperInvariant(text[0]) + text[1..]
            : name;

    private static string Prefixed(string routePrefix, string path) => routePrefix.Trim('/') is { Length: > 0 } p ? $"{p}/{path}" : path;

    /// <summary>Reads <c>extensions.http.routePrefix</c> from a host.json; the Functions host's default, <c>api</c>, when it says nothing.</summary>
    public static string RoutePrefix(string hostJsonPath)
    {
        if (!File.Exists(hostJsonPath)) return "api";
        using var document = JsonDocument.Parse(File.ReadAllText(hostJsonPath),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.TryGetProperty("extensions", out var extensions) &&
               extensions.TryGetProperty("http", out var http) &&
               http.TryGetProperty("routePrefix", out var prefix) && prefix.ValueKind == JsonValueKind.String
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    [GeneratedRegex(@"\{\**(?<name>[^{}:=?*]+)[^{}]*\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"(?<=[a-z0-9])[A-Z]|(?<=[A-Z])[A-Z](?=[a-z])")]
    private static partial Regex CamelWord();
}
