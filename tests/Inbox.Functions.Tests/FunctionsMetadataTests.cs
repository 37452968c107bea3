using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.Tests;

/// <summary>What the Functions host will read: the <c>functions.metadata</c> the worker SDK generates at build.</summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Assembly FunctionsAssembly = typeof(InboxFunctions).Assembly;

    private static JsonElement[] Metadata()
    {
        // The function app's own output folder, built in the same configuration as this test project.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(RepoRoot(), "functions", "Inbox.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} was not generated.");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().ToArray();
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "InboxServerless.sln"))) dir = dir.Parent;
        return dir.FullName;
    }

    private static IEnumerable<(MethodInfo Method, string Name)> DeclaredFunctions() =>
        from type in FunctionsAssembly.GetTypes()
        from method in type.GetMethods()
        let attribute = method.GetCustomAttribute<FunctionAttribute>()
        where attribute is not null
        select (method, attribute.Name);

    [Fact]
    public void Every_declared_function_is_in_the_metadata_with_its_entry_point()
    {
        var metadata = Metadata().ToDictionary(f => f.GetProperty("name").GetString()!);

        foreach (var (method, name) in DeclaredFunctions())
        {
            Assert.True(metadata.TryGetValue(name, out var function), $"{name} is missing from functions.metadata.");
            Assert.Equal($"{method.DeclaringType!.FullName}.{method.Name}", function.GetProperty("entryPoint").GetString());
            Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());
        }

        Assert.Equal(DeclaredFunctions().Count(), metadata.Count);
    }

    [Fact]
    public void Http_functions_carry_the_route_and_methods_they_declare()
    {
        var metadata = Metadata().ToDictionary(f => f.GetProperty("name").GetString()!);
        var httpFunctions = DeclaredFunctions()
            .Select(f => (f.Name, Trigger: f.Method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null)))
            .Where(f => f.Trigger is not null)
            .ToList();

        Assert.Contains(httpFunctions, f => f.Name == "CreateInbox");
        foreach (var (name, trigger) in httpFunctions)
        {
            var binding = metadata[name].GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");
            Assert.Equal(trigger!.Route, binding.GetProperty("route").GetString());
            Assert.Equal(trigger.Methods!, binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!));
            // The gate is App Service Authentication in front of the app (and signatures on webhooks), not function keys.
            Assert.Equal("Anonymous", binding.GetProperty("authLevel").GetString());
        }
    }

    [Fact]
    public void Routes_and_methods_are_unique()
    {
        var routes = Metadata()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()} {b.GetProperty("route").GetString()}"))
            .ToList();

        Assert.Equal(routes.Count, routes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
