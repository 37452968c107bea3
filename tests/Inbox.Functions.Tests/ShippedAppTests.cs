using System.Reflection;
using InboxServerless.Functions.Tests.OpenApi;

namespace InboxServerless.Functions.Tests;

/// <summary>
/// What the function app ships: no dev-only code (the in-process queue and the emulator launcher, Inbox.Local, and the
/// dev host are referenced only by the dev host and the tests), and no store SDK in its triggers.
/// </summary>
public sealed class ShippedAppTests
{
    private static readonly string[] DevOnly = ["Inbox.Local", "Inbox.DevHost"];

    [Fact]
    public void The_function_apps_build_output_holds_no_dev_only_assembly()
    {
        // The function app's own output folder, built in the same configuration as this test project.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var output = Path.Combine(OpenApiFixture.RepoRoot, "functions", "Inbox.Functions", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(output, "Inbox.Functions.dll")), $"{output} holds no built function app.");

        var assemblies = Directory.GetFiles(output, "*.dll").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.All(DevOnly, name => Assert.DoesNotContain(name, assemblies));
    }

    [Fact]
    public void No_assembly_of_the_function_app_references_or_holds_dev_only_code()
    {
        var shipped = Ours(typeof(InboxFunctions).Assembly).ToList();
        Assert.Contains(shipped, a => a.GetName().Name == "Inbox.Azure");

        foreach (var assembly in shipped)
        {
            Assert.All(DevOnly, name => Assert.DoesNotContain(name, assembly.GetReferencedAssemblies().Select(r => r.Name)));
            Assert.DoesNotContain(assembly.GetTypes(), t => t.Namespace is { } ns &&
                (ns.StartsWith("InboxServerless.Local", StringComparison.Ordinal) || ns.StartsWith("InboxServerless.DevHost", StringComparison.Ordinal) ||
                 ns.EndsWith(".Local", StringComparison.Ordinal)));
        }
    }

    /// <summary>The store's SDK stays inside its adapter: its errors reach the triggers as the ports' own terms.</summary>
    [Fact]
    public void The_function_app_does_not_reference_the_cosmos_sdk() =>
        Assert.DoesNotContain(typeof(Composition).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.Azure.Cosmos", StringComparison.Ordinal));

    /// <summary>The app's assembly and the assemblies of ours it references, directly or not.</summary>
    private static IEnumerable<Assembly> Ours(Assembly app)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<Assembly>([app]);
        while (pending.TryPop(out var assembly))
        {
            if (!seen.Add(assembly.GetName().Name!)) continue;
            yield return assembly;
            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Inbox.", StringComparison.Ordinal)))
                pending.Push(Assembly.Load(reference));
        }
    }
}
