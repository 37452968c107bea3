using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace InboxServerless.Functions.Tests.OpenApi;

/// <summary>The OpenAPI document is complete and valid: it parses, and every HTTP function the host will map is in it.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public void The_document_parses_with_the_OpenAPI_reader_without_errors()
    {
        var result = OpenApiFixture.Parsed;

        Assert.Empty(result.Diagnostic!.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(result.Diagnostic.Warnings.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        Assert.Empty(result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())!.Select(e => $"{e.Pointer}: {e.Message}"));
    }

    [Fact]
    public void The_slack_webhook_url_is_a_write_only_field_of_requests_and_answers_show_only_whether_it_is_set()
    {
        var schemas = OpenApiFixture.Node["components"]!["schemas"]!;

        var written = schemas["InboxNotificationSettings"]!["properties"]!["slackWebhookUrl"]!;
        Assert.True(written["writeOnly"]!.GetValue<bool>());
        var shown = schemas["InboxNotifications"]!["properties"]!.AsObject();
        Assert.False(shown.ContainsKey("slackWebhookUrl"));
        Assert.Equal("#/components/schemas/SlackWebhookState", shown["slack"]!["$ref"]!.GetValue<string>());
        Assert.Equal(["configured", "host"], schemas["SlackWebhookState"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Every_http_function_in_functions_metadata_is_in_the_document_by_route_and_method()
    {
        var document = OpenApiFixture.Document;
        var httpFunctions = OpenApiFixture.Metadata()
            .Select(f => (Name: f.GetProperty("name").GetString()!,
                Binding: f.GetProperty("bindings").EnumerateArray().SingleOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger")))
            .Where(f => f.Binding.ValueKind == JsonValueKind.Object)
            .ToList();
        Assert.Contains(httpFunctions, f => f.Name == "CreateInbox");
        Assert.Contains(httpFunctions, f => f.Name == "GetOpenApiDocument");

        var documented = 0;
        foreach (var (name, binding) in httpFunctions)
        {
            var route = binding.TryGetProperty("route", out var r) && r.GetString() is { Length: > 0 } declared ? declared : name;
            var methods = binding.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
            var path = OpenApiDocumentBuilder.PathOf(OpenApiFixture.RoutePrefix, route);

            Assert.True(document.Paths.TryGetValue(path, out var item), $"{name}: {path} is not in the OpenAPI document.");
            Assert.NotEmpty(methods);
            foreach (var method in methods)
            {
                Assert.True(item!.Operations!.TryGetValue(OpenApiFixture.Method(method), out var operation),
                    $"{name}: {method.ToUpperInvariant()} {path} is not in the OpenAPI document.");
                Assert.StartsWith(name, operation!.OperationId);
                documented++;
            }
        }

        // And nothing else: no operation the host does not map.
        Assert.Equal(documented, document.Paths.Values.Sum(p => p.Operations!.Count));
    }

    [Fact]
    public void Operation_ids_are_the_function_names_and_route_parameters_are_path_parameters()
    {
        var operation = Operation("UpdateChannel");

        Assert.Equal(["inboxId", "channelId"], operation.Parameters!.Where(p => p.In == ParameterLocation.Path).Select(p => p.Name));
        Assert.All(operation.Parameters!.Where(p => p.In == ParameterLocation.Path), p => Assert.True(p.Required));
        Assert.True(OpenApiFixture.Document.Paths.ContainsKey($"/{OpenApiFixture.RoutePrefix}/inboxes/{{inboxId}}/channels/{{channelId}}"));
        Assert.Equal(OpenApiFixture.Functions.Count, OpenApiFixture.Functions.Select(f => f.Name).Distinct().Count());
    }

    [Fact]
    public void Every_function_that_can_take_a_body_says_which_or_that_it_takes_none()
    {
        var missing = OpenApiFixture.Functions
            .Where(f => f.ReadsBody)
            .Where(f => (f.Method.GetCustomAttribute<OpenApiBodyAttribute>() is null) == (f.Method.GetCustomAttribute<OpenApiNoBodyAttribute>() is null))
            .Select(f => $"{f.Name} ({f.Method.DeclaringType!.Name}.{f.Method.Name}): add [OpenApiBody(typeof(T))] for the T it reads with ReadJson<T>, or [OpenApiNoBody]")
            .ToList();
        Assert.Empty(missing);

        var misplaced = OpenApiFixture.Functions
            .Where(f => !f.ReadsBody && f.Method.GetCustomAttribute<OpenApiBodyAttribute>() is not null)
            .Select(f => f.Name)
            .ToList();
        Assert.Empty(misplaced);
    }

    [Fact]
    public void Every_operation_with_a_declared_body_documents_it_as_json()
    {
        foreach (var function in OpenApiFixture.Functions.Where(f => f.Method.GetCustomAttribute<OpenApiBodyAttribute>() is not null))
        {
            var body = function.Method.GetCustomAttribute<OpenApiBodyAttribute>()!;
            foreach (var method in function.Methods)
            {
                var operation = Operation(function, method);
                Assert.NotNull(operation.RequestBody);
                Assert.True(operation.RequestBody!.Required, function.Name);
                var schema = operation.RequestBody.Content![body.ContentType].Schema!;
                IEnumerable<IOpenApiSchema> alternatives = body.Types.Count == 1 ? [schema] : schema.OneOf!;
                Assert.Equal(body.Types.Count, alternatives.Count());
                foreach (var (type, alternative) in body.Types.Zip(alternatives))
                {
                    if (alternative is OpenApiSchemaReference reference) Assert.Equal(OpenApiSchemas.NameOf(type), reference.Reference.Id);
                    else Assert.NotNull(alternative.Type);
                }
            }
        }

        Assert.Null(Operation("CloseConversation").RequestBody);
        Assert.Null(Operation("GetInbox").RequestBody);
    }

    [Fact]
    public void Every_function_documents_its_success_response()
    {
        var undocumented = OpenApiFixture.Functions
            .Where(f => !f.Method.GetCustomAttributes<OpenApiResponseAttribute>().Any(r => r.Status is >= 200 and < 300))
            .Select(f => $"{f.Name}: add [OpenApiResponse(status, typeof(T))] for what it answers")
            .ToList();

        Assert.Empty(undocumented);
    }

    [Fact]
    public void Every_operation_documents_problem_details()
    {
        foreach (var (path, item) in OpenApiFixture.Document.Paths)
        foreach (var (method, operation) in item.Operations!)
        {
            foreach (var status in OpenApiDocumentBuilder.DefaultProblems)
                AssertProblem(operation, status, $"{method} {path}");
        }

        foreach (var status in new[] { 400, 401, 403, 404, 409, 413, 415 }) AssertProblem(Operation("CreateInbox"), status, "CreateInbox");
        foreach (var status in new[] { 412, 428 }) AssertProblem(Operation("UpdateInbox"), status, "UpdateInbox");
        AssertProblem(Operation("CloseConversation"), 412, "CloseConversation");
        Assert.False(Operation("CloseConversation").Responses!.ContainsKey("428"));

        var problem = Assert.IsType<OpenApiSchema>(OpenApiFixture.Document.Components!.Schemas!["ProblemDetails"]);
        Assert.Equal(["type", "title", "status", "detail", "errors"], problem.Properties!.Keys);
        Assert.Equal(JsonSchemaType.Integer, problem.Properties["status"].Type);
        // Left out when null, so not required in what the API writes.
        Assert.DoesNotContain("detail", problem.Required!);
        Assert.Contains("title", problem.Required!);
    }

    [Fact]
    public void Success_responses_carry_their_schemas_and_headers()
    {
        var created = Operation("CreateInbox").Responses!["201"];
        Assert.Equal(["ETag", "Location"], created.Headers!.Keys.Order());
        Assert.Equal("Inbox", Assert.IsType<OpenApiSchemaReference>(created.Content!["application/json"].Schema).Reference.Id);

        Assert.Equal("InboxPage", Assert.IsType<OpenApiSchemaReference>(Operation("ListInboxes").Responses!["200"].Content!["application/json"].Schema).Reference.Id);
        var deleted = Operation("DeleteInbox").Responses!["204"];
        Assert.True(deleted.Content is null || deleted.Content.Count == 0);
    }

    [Fact]
    public void Query_parameters_and_if_match_are_documented()
    {
        var list = Operation("ListConversations");
        var query = list.Parameters!.Where(p => p.In == ParameterLocation.Query).ToDictionary(p => p.Name!);
        Assert.Equal(["assigneeId", "continuationToken", "pageSize", "status"], query.Keys.Order());
        Assert.Equal(JsonSchemaType.Integer, query["pageSize"].Schema!.Type);
        Assert.Equal(["open", "closed"], query["status"].Schema!.Enum!.Select(v => v!.GetValue<string>()));
        Assert.All(query.Values, p => Assert.False(p.Required));

        var ifMatch = Assert.Single(Operation("UpdateInbox").Parameters!, p => p.In == ParameterLocation.Header);
        Assert.Equal("If-Match", ifMatch.Name);
        Assert.True(ifMatch.Required);
        Assert.False(Assert.Single(Operation("DeleteInbox").Parameters!, p => p.In == ParameterLocation.Header).Required);
    }

    [Fact]
    public void Channel_settings_are_one_of_the_four_kinds_by_their_kind_field()
    {
        var schemas = OpenApiFixture.Document.Components!.Schemas!;
        var settings = schemas["ChannelSettings"];

        Assert.Equal("kind", settings.Discriminator!.PropertyName);
        var kinds = new Dictionary<string, string> { ["email"] = "EmailChannel", ["chat"] = "ChatChannel", ["messenger"] = "MessengerChannel", ["form"] = "FormChannel" };
        Assert.Equal(kinds.Keys.Order(), settings.Discriminator.Mapping!.Keys.Order());
        Assert.Equal(kinds.Values.Order(), settings.OneOf!.Select(s => Assert.IsType<OpenApiSchemaReference>(s).Reference.Id).Order());
        foreach (var (kind, name) in kinds)
        {
            Assert.Equal(name, settings.Discriminator.Mapping[kind].Reference.Id);
            var derived = schemas[name];
            Assert.Equal(kind, derived.Properties!["kind"].Const);
            Assert.Contains("kind", derived.Required!);
            Assert.Contains("routing", derived.Properties.Keys);
        }

        Assert.Equal(["address", "kind", "provider"], schemas["EmailChannel"].Required!.Order());
        Assert.Equal(["office365", "gmail", "forwarding"], schemas["EmailChannel"].Properties!["provider"].Enum!.Select(v => v!.GetValue<string>()));
        // The channel in a response refers to the same schema.
        Assert.Equal("ChannelSettings", Assert.IsType<OpenApiSchemaReference>(schemas["Channel"].Properties!["settings"]).Reference.Id);
    }

    [Fact]
    public void Callers_authenticate_with_the_app_service_principal_and_webhooks_with_signatures()
    {
        var document = OpenApiFixture.Document;
        var scheme = document.Components!.SecuritySchemes![OpenApiDocumentBuilder.PrincipalScheme];
        Assert.Equal(SecuritySchemeType.ApiKey, scheme.Type);
        Assert.Equal(ParameterLocation.Header, scheme.In);
        Assert.Equal(ClientPrincipal.Header, scheme.Name);
        Assert.Equal(OpenApiDocumentBuilder.PrincipalScheme, Assert.Single(Assert.Single(document.Security!).Keys).Reference.Id);

        // In the JSON: an operation without "security" inherits the document's; a webhook's "security": [] takes it away.
        var paths = OpenApiFixture.Node["paths"]!.AsObject();
        foreach (var function in OpenApiFixture.Functions)
        foreach (var method in function.Methods)
        {
            var operation = paths[OpenApiDocumentBuilder.PathOf(OpenApiFixture.RoutePrefix, function.Route)]![method]!.AsObject();
            if (function.IsWebhook) Assert.True(operation["security"] is JsonArray { Count: 0 }, $"{function.Name} is a webhook: no principal.");
            else Assert.False(operation.ContainsKey("security"), $"{function.Name} must use the document's security.");
        }
    }

    [Fact]
    public void The_server_is_the_host_root_since_paths_carry_the_route_prefix()
    {
        var servers = OpenApiFixture.Node["servers"] as JsonArray;
        Assert.NotNull(servers);
        Assert.Equal("/", (string?)Assert.Single(servers)!["url"]);
        Assert.All(OpenApiFixture.Document.Paths.Keys, path => Assert.StartsWith($"/{OpenApiFixture.RoutePrefix}/", path));
    }

    [Fact]
    public void Every_enum_of_strings_says_its_type_is_string()
    {
        var enums = new List<(string Where, JsonObject Schema)>();
        Collect(OpenApiFixture.Node, "#");
        Assert.Contains(enums, e => e.Where == "#/components/schemas/Conversation/properties/channelKind");

        foreach (var (where, schema) in enums)
        {
            var values = schema["enum"]!.AsArray();
            JsonNode expected = values.Any(v => v is null) ? new JsonArray("string", "null") : JsonValue.Create("string");
            Assert.True(JsonNode.DeepEquals(expected, schema["type"]), $"{where}: type is {schema["type"]?.ToJsonString() ?? "missing"}, not {expected.ToJsonString()}.");
        }

        void Collect(JsonNode? node, string where)
        {
            if (node is JsonObject obj)
            {
                if (obj["enum"] is JsonArray) enums.Add((where, obj));
                foreach (var (key, value) in obj) Collect(value, $"{where}/{key}");
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++) Collect(array[i], $"{where}/{i}");
            }
        }
    }

    [Fact]
    public async Task The_function_app_serves_the_document()
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        var result = new OpenApiFunctions().Get(context.Request);
        await result.ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.StartsWith("application/json", context.Response.ContentType);
        var served = System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Empty(OpenApiFixture.Parse(served).Diagnostic!.Errors);
        Assert.True(JsonNode.DeepEquals(OpenApiFixture.Node, JsonNode.Parse(served)), "The served document differs from the one built from the code.");
    }

    private static OpenApiOperation Operation(string functionName)
    {
        var function = OpenApiFixture.Functions.Single(f => f.Name == functionName);
        return Operation(function, Assert.Single(function.Methods));
    }

    private static OpenApiOperation Operation(HttpFunction function, string method) =>
        OpenApiFixture.Document.Paths[OpenApiDocumentBuilder.PathOf(OpenApiFixture.RoutePrefix, function.Route)].Operations![OpenApiFixture.Method(method)];

    private static void AssertProblem(OpenApiOperation operation, int status, string what)
    {
        Assert.True(operation.Responses!.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response),
            $"{what} does not document {status}.");
        var schema = response!.Content!["application/problem+json"].Schema;
        Assert.Equal("ProblemDetails", Assert.IsType<OpenApiSchemaReference>(schema).Reference.Id);
    }
}
