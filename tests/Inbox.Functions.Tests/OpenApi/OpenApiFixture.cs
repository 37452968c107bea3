using System.Text.Json;
using System.Text.Json.Nodes;
using InboxServerless.Functions.OpenApi;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace InboxServerless.Functions.Tests.OpenApi;

/// <summary>The function app's OpenAPI document, as built from its code, as JSON and as the OpenAPI reader reads it.</summary>
internal static class OpenApiFixture
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The prefix the product's host.json gives routes.</summary>
    public static string RoutePrefix { get; } = OpenApiDocumentBuilder.RoutePrefix(Path.Combine(RepoRoot, "host.json"));

    public static IReadOnlyList<HttpFunction> Functions { get; } = OpenApiDocumentBuilder.HttpFunctions(typeof(InboxFunctions).Assembly);

    public static string Json { get; } =
        OpenApiDocumentBuilder.Build(typeof(InboxFunctions).Assembly, RoutePrefix).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public static JsonObject Node => JsonNode.Parse(Json)!.AsObject();

    private static readonly Lazy<ReadResult> Read = new(() => Parse(Json));

    public static ReadResult Parsed => Read.Value;

    public static OpenApiDocument Document => Parsed.Document!;

    public static ReadResult Parse(string json) => OpenApiDocument.Parse(json, "json");

    /// <summary>The built <c>functions.metadata</c> of the function app, in the configuration these tests were built in.</summary>
    public static JsonElement[] Metadata()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(RepoRoot, "functions", "Inbox.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} was not generated.");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().ToArray();
    }

    public static HttpMethod Method(string method) => new(method.ToUpperInvariant());

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "InboxServerless.sln"))) dir = dir.Parent;
        return dir.FullName;
    }
}
