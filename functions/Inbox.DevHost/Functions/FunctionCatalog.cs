using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace InboxServerless.DevHost.Functions;

/// <summary>
/// The kinds of trigger the dev host knows: HTTP (served by Kestrel), timers (scheduled), the Service Bus queue (served by
/// the in-process queue), Durable orchestrations and activities (run by the in-memory Durable Task engine, which must
/// register them under the same names). Anything else is listed as <see cref="Unsupported"/>.
/// </summary>
public enum TriggerKind { Http, Timer, Queue, Orchestration, Activity, Unsupported }

/// <summary>
/// One function of the function app, found by its attributes the way the Functions SDK finds it for
/// <c>functions.metadata</c>: a public method with <c>[Function(name)]</c> and one parameter with a trigger attribute.
/// </summary>
/// <param name="Name">The function's name, as in <c>[Function(name)]</c>.</param>
/// <param name="Trigger">What starts it.</param>
/// <param name="TriggerType">The binding type as <c>functions.metadata</c> spells it: <c>httpTrigger</c>, <c>timerTrigger</c>, …</param>
/// <param name="Methods">HTTP only: the upper-case methods it answers; empty means every method.</param>
/// <param name="Route">HTTP only: the route as served, with the host's prefix (<c>api/inboxes/{inboxId}</c>).</param>
/// <param name="Schedule">Timer only: the schedule as written (an NCrontab expression, a <c>TimeSpan</c> or a <c>%setting%</c>).</param>
/// <param name="RunOnStartup">Timer only.</param>
/// <param name="Method">The method the host invokes.</param>
/// <param name="QueueName">Queue only: the queue as written (a name or a <c>%setting%</c>).</param>
public sealed record FunctionDescriptor(
    string Name,
    TriggerKind Trigger,
    string TriggerType,
    IReadOnlyList<string> Methods,
    string? Route,
    string? Schedule,
    bool RunOnStartup,
    MethodInfo Method,
    string? QueueName = null)
{
    public string EntryPoint => $"{Method.DeclaringType!.FullName}.{Method.Name}";

    public ParameterInfo TriggerParameter => Method.GetParameters().Single(FunctionCatalog.IsTrigger);

    public override string ToString() => Trigger switch
    {
        TriggerKind.Http => $"{Name}: [{(Methods.Count == 0 ? "*" : string.Join(",", Methods))}] {Route}",
        TriggerKind.Timer => $"{Name}: timer {Schedule}",
        TriggerKind.Queue => $"{Name}: queue {QueueName} (in process)",
        TriggerKind.Orchestration => $"{Name}: orchestration (in-memory Durable Task engine)",
        TriggerKind.Activity => $"{Name}: activity (in-memory Durable Task engine)",
        _ => $"{Name}: {TriggerType} (not served by the dev host)",
    };
}

/// <summary>Finds the functions of an assembly by reflection. One route table: the attributes on the functions.</summary>
public static class FunctionCatalog
{
    /// <summary>The function app whose functions the dev host serves.</summary>
    public static Assembly FunctionsAssembly => typeof(InboxServerless.Functions.Composition).Assembly;

    /// <summary>What <c>host.json</c> (<c>extensions.http.routePrefix</c>) says, <c>api</c> when it says nothing.</summary>
    public static string RoutePrefix { get; } =
        InboxServerless.Functions.OpenApi.OpenApiDocumentBuilder.RoutePrefix(Path.Combine(AppContext.BaseDirectory, "host.json"));

    private static readonly Lazy<IReadOnlyList<FunctionDescriptor>> Default = new(() => Discover(FunctionsAssembly));

    /// <summary>The functions of <see cref="FunctionsAssembly"/>.</summary>
    public static IReadOnlyList<FunctionDescriptor> All => Default.Value;

    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly, string? routePrefix = null)
    {
        var prefix = routePrefix ?? RoutePrefix;
        var found = new List<FunctionDescriptor>();
        foreach (var type in assembly.GetExportedTypes().Where(t => t.IsClass))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
                found.Add(Describe(function.Name, method, prefix));
            }
        }

        var duplicates = found.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new InvalidOperationException($"Function names must be unique; used more than once: {string.Join(", ", duplicates)}.");
        return [.. found.OrderBy(f => f.Name, StringComparer.Ordinal)];
    }

    internal static bool IsTrigger(ParameterInfo parameter) =>
        parameter.GetCustomAttributes().Any(a => a is TriggerBindingAttribute);

    private static FunctionDescriptor Describe(string name, MethodInfo method, string prefix)
    {
        var triggers = method.GetParameters().Where(IsTrigger).ToList();
        if (triggers.Count != 1)
            throw new InvalidOperationException(
                $"Function '{name}' ({method.DeclaringType!.FullName}.{method.Name}) must have exactly one trigger parameter; it has {triggers.Count}.");

        var attribute = triggers[0].GetCustomAttributes().OfType<TriggerBindingAttribute>().Single();
        switch (attribute)
        {
            case HttpTriggerAttribute http:
                var route = string.IsNullOrWhiteSpace(http.Route) ? name : http.Route.Trim('/');
                var methods = (http.Methods ?? []).Select(m => m.ToUpperInvariant()).Distinct().ToList();
                return new(name, TriggerKind.Http, "httpTrigger", methods, Combine(prefix, route), null, false, method);

            // By name: the dev host does not need the Timer extension package to find timer functions.
            case var timer when timer.GetType().Name == "TimerTriggerAttribute":
                var schedule = timer.GetType().GetProperty("Schedule")?.GetValue(timer) as string
                    ?? throw new InvalidOperationException($"Timer function '{name}' has no schedule.");
                var runOnStartup = timer.GetType().GetProperty("RunOnStartup")?.GetValue(timer) is true;
                return new(name, TriggerKind.Timer, "timerTrigger", [], null, schedule, runOnStartup, method);

            // The Service Bus trigger is declared by the function app itself (its worker package is not served here).
            case var queue when queue.GetType().Name == "ServiceBusTriggerAttribute":
                var queueName = queue.GetType().GetProperty("QueueName")?.GetValue(queue) as string
                    ?? throw new InvalidOperationException($"Queue function '{name}' names no queue.");
                return new(name, TriggerKind.Queue, "serviceBusTrigger", [], null, null, false, method, queueName);

            // Durable Functions: the engine runs the orchestrator and activity classes registered under these names.
            case var orchestration when orchestration.GetType().Name == "OrchestrationTriggerAttribute":
                return new(name, TriggerKind.Orchestration, "orchestrationTrigger", [], null, null, false, method);

            case var activity when activity.GetType().Name == "ActivityTriggerAttribute":
                return new(name, TriggerKind.Activity, "activityTrigger", [], null, null, false, method);

            default:
                return new(name, TriggerKind.Unsupported, BindingType(attribute.GetType()), [], null, null, false, method);
        }
    }

    private static string Combine(string prefix, string route) => prefix.Length == 0 ? route : $"{prefix}/{route}";

    /// <summary>"ServiceBusTriggerAttribute" → "serviceBusTrigger", as the SDK names binding types.</summary>
    private static string BindingType(Type attribute)
    {
        var name = attribute.Name.EndsWith("Attribute", StringComparison.Ordinal) ? attribute.Name[..^"Attribute".Length] : attribute.Name;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
