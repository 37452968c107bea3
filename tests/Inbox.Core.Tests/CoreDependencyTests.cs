using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Tests;

/// <summary>
/// Core is .NET's own plus the Durable Task abstractions its orchestrations are written against: no Azure SDK and no
/// provider's wire format (MimeKit, Meta's or Graph's payloads live in Inbox.Azure, each provider in its folder).
/// </summary>
public sealed class CoreDependencyTests
{
    [Fact]
    public void Core_references_only_dotnet_and_the_durable_task_abstractions()
    {
        var outside = typeof(Inbox).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => !(name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib"
                || name.StartsWith("Microsoft.DurableTask.", StringComparison.Ordinal)))
            .ToList();
        Assert.True(outside.Count == 0, "Core references " + string.Join(", ", outside));
    }
}
