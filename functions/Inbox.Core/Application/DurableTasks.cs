using Microsoft.DurableTask;

namespace InboxServerless.Core.Application;

/// <summary>
/// Every orchestrator and activity of the app: the non-abstract <see cref="TaskOrchestrator{TInput, TOutput}"/> and
/// <see cref="TaskActivity{TInput, TOutput}"/> classes of Core, each named by its class. Found, not listed, so a new task
/// is registered the moment its class exists; the function app's wrappers are held to this list by a test
/// (tests/Inbox.Functions.Tests/DurableFunctionsTests.cs).
/// </summary>
public static class DurableTasks
{
    public static IReadOnlyList<Type> Orchestrators { get; } = Of(typeof(ITaskOrchestrator));

    public static IReadOnlyList<Type> Activities { get; } = Of(typeof(ITaskActivity));

    /// <summary>Registers them with a Durable Task engine: the in-process one of the dev host and the tests.</summary>
    public static void Register(DurableTaskRegistry registry)
    {
        foreach (var orchestrator in Orchestrators) registry.AddOrchestrator(orchestrator);
        foreach (var activity in Activities) registry.AddActivity(activity);
    }

    private static Type[] Of(Type kind) =>
    [
        .. typeof(DurableTasks).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && kind.IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal),
    ];
}
