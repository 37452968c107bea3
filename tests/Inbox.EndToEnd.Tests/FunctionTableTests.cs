using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InboxServerless.DevHost;
using InboxServerless.DevHost.Functions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// The dev host serves what the Functions host would: every function of the <c>functions.metadata</c> that the Functions
/// SDK wrote at build, on the same route and methods.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed partial class FunctionTableTests(DevHostFixture host)
{
    private sealed record MetadataFunction(
        string Name, string EntryPoint, string TriggerType, IReadOnlyList<string> Methods, string? Route, string? Schedule, string? QueueName);

    private static IReadOnlyList<MetadataFunction> ReadMetadata()
    {
        var path = FindMetadata();
        var functions = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        return
        [
            .. functions.Select(f =>
            {
                var trigger = f!["bindings"]!.AsArray().Single(b => b!["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))!;
                return new MetadataFunction(
                    f["name"]!.GetValue<string>(),
                    f["entryPoint"]!.GetValue<string>(),
                    trigger["type"]!.GetValue<string>(),
                    trigger["methods"] is JsonArray methods ? [.. methods.Select(m => m!.GetValue<string>().ToUpperInvariant())] : [],
                    trigger["route"]?.GetValue<string>(),
                    trigger["schedule"]?.GetValue<string>(),
                    trigger["queueName"]?.GetValue<string>());
            }),
        ];
    }

    /// <summary>Next to Inbox.Functions.dll in this output, else in the function app's own build output.</summary>
    private static string FindMetadata()
    {
        var here = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        if (File.Exists(here)) return here;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "functions", "Inbox.Functions", "bin");
            if (!Directory.Exists(bin)) continue;
            var found = Directory.GetFiles(bin, "functions.metadata", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            if (found is not null) return found;
        }

        throw new FileNotFoundException("functions.metadata not found; build functions/Inbox.Functions first.");
    }

    private IReadOnlyList<RouteEndpoint> FunctionEndpoints() =>
    [
        .. host.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<FunctionDescriptor>() is not null),
    ];

    [Fact]
    public void The_metadata_lists_the_functions_of_the_app()
    {
        var metadata = ReadMetadata();
        Assert.NotEmpty(metadata);
        Assert.Contains(metadata, f => f.Name == "CreateInbox");
    }

    /// <summary>
    /// Served: an HTTP function on its route and methods, a timer on its schedule, the queue consumer fed by the in-process
    /// queue of the same name, an orchestration or activity registered with the in-memory Durable Task engine under its name.
    /// </summary>
    [Fact]
    public void Every_function_in_the_metadata_is_served_with_the_same_route_and_methods()
    {
        var endpoints = FunctionEndpoints();
        var engine = DurableTaskNames.Of(host.App.Services);
        var consumer = host.App.Services.GetService<QueueFunctionHandler>();
        var problems = new List<string>();
        foreach (var function in ReadMetadata())
        {
            var known = DevHostApp.Functions.SingleOrDefault(f => f.Name == function.Name);
            if (known is null)
            {
                problems.Add($"{function.Name}: not found by the dev host");
                continue;
            }

            Assert.Equal(function.EntryPoint, known.EntryPoint);
            switch (function.TriggerType)
            {
                case "httpTrigger":
                    var endpoint = endpoints.SingleOrDefault(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == function.Name);
                    if (endpoint is null)
                    {
                        problems.Add($"{function.Name}: no endpoint");
                        continue;
                    }

                    var route = "api/" + (function.Route ?? function.Name);
                    if (endpoint.RoutePattern.RawText != route) problems.Add($"{function.Name}: served at {endpoint.RoutePattern.RawText}, not {route}");
                    var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
                    if (!methods.Order().SequenceEqual(function.Methods.Order()))
                        problems.Add($"{function.Name}: answers [{string.Join(",", methods)}], not [{string.Join(",", function.Methods)}]");
                    Assert.Equal(function.Name, endpoint.DisplayName);
                    break;
                case "timerTrigger":
                    if (known.Trigger != TriggerKind.Timer || known.Schedule != function.Schedule)
                        problems.Add($"{function.Name}: not scheduled as '{function.Schedule}'");
                    break;
                case "serviceBusTrigger":
                    if (known.Trigger != TriggerKind.Queue || known.QueueName != function.QueueName)
                        problems.Add($"{function.Name}: not a queue function of '{function.QueueName}'");
                    else if (consumer?.Function.Name != function.Name)
                        problems.Add($"{function.Name}: the in-process queue does not deliver to it");
                    break;
                case "orchestrationTrigger":
                    if (known.Trigger != TriggerKind.Orchestration || !engine.Orchestrators.Contains(function.Name))
                        problems.Add($"{function.Name}: no orchestrator of that name is registered with the in-memory Durable Task engine");
                    break;
                case "activityTrigger":
                    if (known.Trigger != TriggerKind.Activity || !engine.Activities.Contains(function.Name))
                        problems.Add($"{function.Name}: no activity of that name is registered with the in-memory Durable Task engine");
                    break;
                default:
                    problems.Add($"{function.Name}: the dev host does not serve {function.TriggerType} functions yet (functions/Inbox.DevHost/Functions)");
                    break;
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_dev_host_serves_no_function_that_the_metadata_lacks()
    {
        var names = ReadMetadata().Select(f => f.Name).ToHashSet();
        Assert.All(DevHostApp.Functions, f => Assert.Contains(f.Name, names));
        Assert.Equal(DevHostApp.Functions.Count(f => f.Trigger == TriggerKind.Http), FunctionEndpoints().Count);

        // Nor does its Durable engine run an orchestrator or activity that the function app does not declare.
        var engine = DurableTaskNames.Of(host.App.Services);
        var durable = ReadMetadata().Where(f => f.TriggerType is "orchestrationTrigger" or "activityTrigger").Select(f => f.Name).ToHashSet();
        Assert.All(engine.Orchestrators.Concat(engine.Activities), name => Assert.Contains(name, durable));
        // And each under the kind of its function.
        Assert.Equal(Names(TriggerKind.Orchestration), engine.Orchestrators.Order(StringComparer.Ordinal));
        Assert.Equal(Names(TriggerKind.Activity), engine.Activities.Order(StringComparer.Ordinal));

        static IEnumerable<string> Names(TriggerKind trigger) =>
            DevHostApp.Functions.Where(f => f.Trigger == trigger).Select(f => f.Name).Order(StringComparer.Ordinal);
    }

    /// <summary>Over real HTTP: each route and method reaches its function (which answers), not routing's bare 404 or 405.</summary>
    [Fact]
    public async Task Every_http_function_answers_over_http()
    {
        using var client = host.Admin(DevHostFixture.NewAccount());
        foreach (var function in ReadMetadata().Where(f => f.TriggerType == "httpTrigger"))
        {
            var path = "api/" + RouteParameter().Replace(function.Route ?? function.Name, "missing");
            foreach (var method in function.Methods)
            {
                var body = method is "POST" or "PUT" ? "{}" : null;
                using var response = await client.Send(new HttpMethod(method), path, body, ifMatch: method is "PUT" or "DELETE" ? "\"x\"" : null);
                // Routing's own answers are a bare 404 or 405; a function may answer without a body otherwise (a webhook's 403).
                Assert.True(response.Content.Headers.ContentType is not null || response.StatusCode != HttpStatusCode.NotFound,
                    $"{function.Name}: {method} /{path} got {(int)response.StatusCode} with no body: not routed to the function.");
                Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
                Assert.True((int)response.StatusCode < 500, $"{function.Name}: {method} /{path} failed with {(int)response.StatusCode}.");
            }
        }
    }

    [Fact]
    public async Task A_path_no_function_serves_is_404()
    {
        using var client = host.Admin(DevHostFixture.NewAccount());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("api/nothing-here")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.Send(HttpMethod.Patch, "api/inboxes", "{}")).StatusCode);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
