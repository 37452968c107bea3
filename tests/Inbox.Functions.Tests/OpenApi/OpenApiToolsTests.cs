using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InboxServerless.Functions.Tests.OpenApi;

/// <summary>
/// The generated document as real OpenAPI tools read it: Redocly's linter (<c>@redocly/cli</c>) with the rules of
/// <c>tests/openapi-tools/redocly.yaml</c>, and <c>openapi-typescript</c>, which makes the TypeScript types a client would use.
/// Both are pinned in <c>tests/openapi-tools/package-lock.json</c>; the build of this project runs <c>npm ci</c> there.
/// </summary>
public sealed partial class OpenApiToolsTests : IClassFixture<OpenApiToolsTests.DocumentFile>
{
    private static readonly string ToolsFolder = Path.Combine(OpenApiFixture.RepoRoot, "tests", "openapi-tools");

    private readonly DocumentFile document;

    public OpenApiToolsTests(DocumentFile document) => this.document = document;

    /// <summary>The generated document, written once to a temporary folder for the tools to read.</summary>
    public sealed class DocumentFile : IDisposable
    {
        public DocumentFile()
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(Path, OpenApiFixture.Json);
        }

        public string Folder { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "inbox-openapi-" + Guid.NewGuid().ToString("N"));

        public string Path => System.IO.Path.Combine(Folder, "openapi.json");

        public void Dispose()
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder: nothing depends on it being gone.
            }
        }
    }

    [Fact]
    public async Task Redocly_lint_finds_no_error_and_no_warning()
    {
        var (exitCode, output, errors) = await Tool("redocly", "lint", document.Path,
            "--config", Path.Combine(ToolsFolder, "redocly.yaml"), "--format", "json");

        Assert.True(output.TrimStart().StartsWith('{'), $"redocly lint wrote no report:\n{output}\n{errors}");
        var report = JsonNode.Parse(output)!;
        var problems = ((JsonArray)report["problems"]!)
            .Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}")
            .ToList();
        Assert.Empty(problems);
        Assert.Equal(0, (int)report["totals"]!["errors"]!);
        Assert.Equal(0, (int)report["totals"]!["warnings"]!);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task Openapi_typescript_types_every_enum_as_a_union_of_string_literals()
    {
        var types = Path.Combine(document.Folder, "api.d.ts");
        var (exitCode, output, errors) = await Tool("openapi-typescript", document.Path, "--output", types);
        Assert.True(exitCode == 0, $"{output}\n{errors}");
        var typescript = await File.ReadAllTextAsync(types);

        // The channel kind of a conversation, and the kind that tells channel settings apart, as a client sees them.
        Assert.Matches(@"channelKind\??: ""email"" \| ""chat"" \| ""messenger"" \| ""form"";", typescript);
        Assert.Matches(@"kind: ""email"";", typescript);
        var enums = EnumSchemas(OpenApiFixture.Node).ToList();
        Assert.NotEmpty(enums);
        foreach (var (name, values) in enums)
        {
            var union = string.Join(" | ", values.Select(v => $"\"{v}\""));
            Assert.True(typescript.Contains(union, StringComparison.Ordinal), $"{name}: expected the type {union} in the generated TypeScript.");
        }

        // openapi-typescript writes a union for an enum either way, but says @enum {unknown} when the schema has no type.
        Assert.DoesNotMatch(UnknownEnum(), typescript);
    }

    /// <summary>Every schema with an enum of strings in the document, by where it is.</summary>
    private static IEnumerable<(string Where, string[] Values)> EnumSchemas(JsonNode? node, string where = "#")
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["enum"] is JsonArray values && values.All(v => v is JsonValue))
                    yield return (where, [.. values.Where(v => v is not null).Select(v => v!.GetValue<string>())]);
                foreach (var (key, value) in obj)
                foreach (var inner in EnumSchemas(value, $"{where}/{key}"))
                    yield return inner;
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                foreach (var inner in EnumSchemas(array[i], $"{where}/{i}"))
                    yield return inner;
                break;
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> Tool(string name, params string[] arguments)
    {
        var executable = Path.Combine(ToolsFolder, "node_modules", ".bin", name);
        Assert.True(File.Exists(executable), $"{executable} is missing: the build runs npm ci in {ToolsFolder}.");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ToolsFolder,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["OPENAPI_TS_NO_TELEMETRY"] = "1";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>What openapi-typescript writes above an enum whose schema has no type: <c>/** @enum {unknown} */</c>.</summary>
    [GeneratedRegex(@"@enum\s*\{unknown\}")]
    private static partial Regex UnknownEnum();
}
