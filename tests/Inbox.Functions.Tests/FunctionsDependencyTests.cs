using InboxServerless.Functions;

namespace InboxServerless.Functions.Tests;

public sealed class FunctionsDependencyTests
{
    /// <summary>The store's SDK stays inside its adapter: its errors reach the triggers as the ports' own terms.</summary>
    [Fact]
    public void The_function_app_does_not_reference_the_cosmos_sdk() =>
        Assert.DoesNotContain(typeof(Composition).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.Azure.Cosmos", StringComparison.Ordinal));
}
