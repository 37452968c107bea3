using System.Text.Json.Nodes;

namespace InboxServerless.Infra.Tests;

/// <summary>
/// Runs <c>bicep build</c> (into a temporary folder, so no main.json is left in the repository) and <c>bicep lint</c>
/// on main.bicep once for the whole test run, side by side; each takes a few seconds.
/// </summary>
public sealed class BicepFixture : IAsyncLifetime
{
    private readonly string outputDirectory = Path.Combine(Path.GetTempPath(), "inbox-infra-tests-" + Guid.NewGuid().ToString("N"));

    public BicepRun Build { get; private set; } = null!;

    public BicepRun Lint { get; private set; } = null!;

    /// <summary>The ARM template built from main.bicep; null when the build failed.</summary>
    public ArmTemplate? Template { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(outputDirectory);
        var build = Bicep.Run("build", Bicep.MainBicep, "--outdir", outputDirectory);
        var lint = Bicep.Run("lint", Bicep.MainBicep);
        Build = await build;
        Lint = await lint;

        var json = Path.Combine(outputDirectory, "main.json");
        if (Build.ExitCode == 0 && File.Exists(json))
            Template = new ArmTemplate(JsonNode.Parse(await File.ReadAllTextAsync(json))!.AsObject());
    }

    public ArmTemplate RequireTemplate() =>
        Template ?? throw new InvalidOperationException($"main.bicep did not build:\n{Build}");

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(outputDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder: nothing depends on it being gone.
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class BicepCollection : ICollectionFixture<BicepFixture>
{
    public const string Name = "bicep";
}
