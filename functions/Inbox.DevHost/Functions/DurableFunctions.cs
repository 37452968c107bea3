using System.Net;
using System.Net.Sockets;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.Extensions.Options;

namespace InboxServerless.DevHost.Functions;

/// <summary>The orchestrator and activity names a Durable Task engine has registered.</summary>
public sealed record DurableTaskNames(IReadOnlySet<string> Orchestrators, IReadOnlySet<string> Activities)
{
    public static DurableTaskNames Of(DurableTaskRegistry registry) => new(
        registry.GetOrchestrators().Select(o => o.Key.Name).ToHashSet(StringComparer.Ordinal),
        registry.GetActivities().Select(a => a.Key.Name).ToHashSet(StringComparer.Ordinal));

    /// <summary>What the worker of <paramref name="services"/> registered (the registry it was configured with).</summary>
    public static DurableTaskNames Of(IServiceProvider services) =>
        Of(services.GetRequiredService<IOptionsMonitor<DurableTaskRegistry>>().Get(Options.DefaultName));
}

/// <summary>
/// Durable Functions on the dev host: the in-memory Durable Task engine of <c>Microsoft.DurableTask.InProcessTestHost</c>
/// runs the orchestrator and activity classes that the function app's <c>[OrchestrationTrigger]</c> and
/// <c>[ActivityTrigger]</c> functions wrap, registered under the same names (<see cref="Check"/>). Its state (instances,
/// histories) is in memory and lost when the dev host stops.
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
        services.AddInMemoryDurableTask(registerTasks, new InMemoryDurableTaskOptions { Port = FreeLoopbackPort() });
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

    /// <summary>
    /// What is wrong between the function app's Durable functions and the engine's registrations: an orchestration or
    /// activity function the engine does not register under its name (the dev host would not run it), and a task the
    /// engine registers that no function of that name and kind declares (Azure would not run it). Empty when they match.
    /// </summary>
    public static IReadOnlyList<string> Problems(IEnumerable<FunctionDescriptor> functions, DurableTaskNames engine)
    {
        var problems = new List<string>();
        var declared = functions.ToList();
        foreach (var function in declared)
        {
            var (kind, registered) = function.Trigger switch
            {
                TriggerKind.Orchestration => ("orchestrator", engine.Orchestrators),
                TriggerKind.Activity => ("activity", engine.Activities),
                _ => (null, null),
            };
            if (registered is null || registered.Contains(function.Name)) continue;
            problems.Add($"Function '{function.Name}' ({function.EntryPoint}, {function.TriggerType}) is not registered with the in-memory " +
                         $"Durable Task engine as an {kind} named '{function.Name}'.");
        }

        foreach (var (names, trigger, kind) in new[]
                 {
                     (engine.Orchestrators, TriggerKind.Orchestration, "orchestrator"),
                     (engine.Activities, TriggerKind.Activity, "activity"),
                 })
        {
            foreach (var name in names.Where(n => !declared.Any(f => f.Trigger == trigger && f.Name == n)).Order(StringComparer.Ordinal))
                problems.Add($"The in-memory Durable Task engine registers the {kind} '{name}', but the function app has no such function: Azure would not run it.");
        }

        return problems;
    }

    /// <summary>Fails unless every Durable function is registered with the engine under its name, and nothing else is.</summary>
    public static void Check(IEnumerable<FunctionDescriptor> functions, DurableTaskNames engine)
    {
        var problems = Problems(functions, engine);
        if (problems.Count > 0)
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems) + Environment.NewLine +
                "Register the orchestrator and activity classes the functions wrap, under the functions' names (RoutingTasks.Register), " +
                "so the function app and the dev host run the same logic.");
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
