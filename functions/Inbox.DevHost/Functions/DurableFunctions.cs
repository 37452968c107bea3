using InboxServerless.Local;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.Extensions.Options;

namespace InboxServerless.DevHost.Functions;

/// <summary>The orchestrator and activity names the dev host's Durable Task engine registered (the function table's tests read them).</summary>
public sealed record DurableTaskNames(IReadOnlySet<string> Orchestrators, IReadOnlySet<string> Activities)
{
    /// <summary>What the worker of <paramref name="services"/> registered (the registry it was configured with).</summary>
    public static DurableTaskNames Of(IServiceProvider services)
    {
        var registry = services.GetRequiredService<IOptionsMonitor<DurableTaskRegistry>>().Get(Options.DefaultName);
        return new(registry.GetOrchestrators().Select(o => o.Key.Name).ToHashSet(StringComparer.Ordinal),
            registry.GetActivities().Select(a => a.Key.Name).ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>
/// Durable Functions on the dev host: the in-memory Durable Task engine of <c>Microsoft.DurableTask.InProcessTestHost</c>
/// runs the orchestrator and activity classes of Core (<c>DurableTasks.Register</c>), which the function app's
/// <c>[OrchestrationTrigger]</c> and <c>[ActivityTrigger]</c> functions wrap under the same names (a test in
/// tests/Inbox.Functions.Tests holds them together). Its state (instances, histories) is in memory and lost when the dev host stops.
/// </summary>
public static class DurableFunctions
{
    /// <summary>
    /// Adds the engine (a gRPC sidecar on a free loopback port, its worker and a <see cref="Microsoft.DurableTask.Client.DurableTaskClient"/>)
    /// with the tasks <paramref name="registerTasks"/> registers.
    /// </summary>
    public static IServiceCollection AddDevHostDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> registerTasks)
    {
        // The package picks a random port in 30000-40000 when given none; a free one avoids a clash with anything there.
        services.AddInMemoryDurableTask(registerTasks, new InMemoryDurableTaskOptions { Port = LoopbackPorts.Free() });
        services.AddSingleton<InMemoryOrchestrationService>(sp => new RoomyOrchestrationService(sp.GetService<ILoggerFactory>()));
        return services;
    }

    /// <summary>
    /// The in-memory engine with room for as many work items as the queue runs sessions. The package allows one per
    /// core, and its dispatcher polls every 500 ms once they are all taken: on two cores, eight concurrent routings
    /// stalled there and the dev host routed about one event a second. Interface re-implementation is the only way in,
    /// as the package's properties are not virtual.
    /// </summary>
    private sealed class RoomyOrchestrationService(ILoggerFactory? loggerFactory)
        : InMemoryOrchestrationService(loggerFactory), DurableTask.Core.IOrchestrationService
    {
        private const int WorkItems = 256;

        int DurableTask.Core.IOrchestrationService.MaxConcurrentTaskOrchestrationWorkItems => WorkItems;

        int DurableTask.Core.IOrchestrationService.MaxConcurrentTaskActivityWorkItems => WorkItems;
    }
}
