using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using InboxServerless.Functions.Queue;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace InboxServerless.Functions.Tests.ServiceBus;

/// <summary>
/// The queue consumer as the Functions host sees it. The default build (what builds offline, and what these tests
/// read) declares the trigger but not the host's Service Bus extension. A connected publish with
/// <c>-p:EnableServiceBusHostExtension=true</c> compiles <c>Queue/ServiceBusHostExtension.cs</c>, whose
/// <c>[assembly: ExtensionInformation("Microsoft.Azure.WebJobs.Extensions.ServiceBus", …)]</c> adds
/// <c>&lt;PackageReference Include="Microsoft.Azure.WebJobs.Extensions.ServiceBus" …/&gt;</c> to the generated
/// <c>WorkerExtensions.csproj</c>, and so the extension's startup entry to <c>extensions.json</c> and its assembly to
/// <c>.azurefunctions/</c>; offline, that restore fails (NU1101), which is why it is off by default.
/// </summary>
public sealed class ServiceBusTriggerMetadataTests
{
    private const string HostExtension = "Microsoft.Azure.WebJobs.Extensions.ServiceBus";

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "InboxServerless.sln"))) dir = dir.Parent;
        return dir.FullName;
    }

    private static string FunctionsProject => Path.Combine(RepoRoot(), "functions", "Inbox.Functions");

    /// <summary>The function app's own output, built in the same configuration as this test project.</summary>
    private static string Output(string file)
    {
        var path = Path.Combine(FunctionsProject, "bin", Configuration, "net10.0", file);
        Assert.True(File.Exists(path), $"{path} was not generated.");
        return path;
    }

    [Fact]
    public void The_consumer_is_a_session_enabled_service_bus_trigger_on_the_inbound_queue_with_a_durable_client()
    {
        var functions = JsonDocument.Parse(File.ReadAllText(Output("functions.metadata"))).RootElement.EnumerateArray();
        var function = Assert.Single(functions, f => f.GetProperty("name").GetString() == "ConsumeInboundEvent");

        Assert.Equal($"{typeof(InboundQueueFunctions).FullName}.{nameof(InboundQueueFunctions.Consume)}", function.GetProperty("entryPoint").GetString());
        var bindings = function.GetProperty("bindings").EnumerateArray().ToList();
        Assert.Equal(["serviceBusTrigger", "durableClient"], bindings.Select(b => b.GetProperty("type").GetString()));
        var binding = bindings[0];
        Assert.Equal("In", binding.GetProperty("direction").GetString());
        Assert.Equal("inbound-events", binding.GetProperty("queueName").GetString());
        Assert.Equal("ServiceBus", binding.GetProperty("connection").GetString());
        Assert.True(binding.GetProperty("isSessionsEnabled").GetBoolean());
        Assert.Equal("String", binding.GetProperty("dataType").GetString());
    }

    [Fact]
    public void The_default_build_does_not_require_the_service_bus_host_extension()
    {
        // The generated extensions project: restored at build, so a package reference here must be restorable.
        var project = Path.Combine(FunctionsProject, "obj", Configuration, "net10.0", "WorkerExtensions", "WorkerExtensions.csproj");
        Assert.True(File.Exists(project), $"{project} was not generated.");
        var packages = XDocument.Load(project).Descendants("PackageReference").Select(p => (string?)p.Attribute("Include")).ToList();
        Assert.NotEmpty(packages);
        Assert.DoesNotContain(HostExtension, packages);

        Assert.DoesNotContain("ServiceBus", File.ReadAllText(Output("extensions.json")), StringComparison.OrdinalIgnoreCase);

        // The attribute that would add it is not compiled in.
        Assert.DoesNotContain(
            typeof(InboundQueueFunctions).Assembly.GetCustomAttributes<ExtensionInformationAttribute>(),
            a => a.ExtensionPackage == HostExtension);
    }

    [Fact]
    public void The_connected_build_switch_compiles_the_host_extension_declaration()
    {
        var declaration = File.ReadAllText(Path.Combine(FunctionsProject, "Queue", "ServiceBusHostExtension.cs"));
        Assert.Contains($"[assembly: ExtensionInformation(\"{HostExtension}\", \"5.", declaration);

        var project = XDocument.Load(Path.Combine(FunctionsProject, "Inbox.Functions.csproj"));
        Assert.Equal("false", project.Descendants("EnableServiceBusHostExtension").Single().Value);
        var removal = Assert.Single(project.Descendants("Compile"), c => (string?)c.Attribute("Remove") == "Queue/ServiceBusHostExtension.cs");
        Assert.Equal("'$(EnableServiceBusHostExtension)' != 'true'", (string?)removal.Parent!.Attribute("Condition"));
    }
}
