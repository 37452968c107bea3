using System.Reflection;
using InboxServerless.Core.Application;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace InboxServerless.Functions.Tests;

/// <summary>
/// Each Durable task is declared once, as a class in Core (<see cref="DurableTasks"/>), which the in-process engine
/// registers by itself; the function app needs one hand-written wrapper per task. This holds the two together, so a
/// missing, misnamed or mistyped wrapper fails here rather than in Azure (or on the dev host, which runs Core's list).
/// </summary>
public sealed class DurableFunctionsTests
{
    /// <summary>A task as one side declares it; <see cref="Input"/> is null where it cannot be read (an orchestration function's).</summary>
    private sealed record DurableTask(string Name, string Kind, Type? Input, Type Output)
    {
        public override string ToString() => $"{Kind} '{Name}' ({Input?.Name ?? "?"} -> {Output.Name})";
    }

    [Fact]
    public void Every_task_of_core_has_one_function_of_its_name_kind_and_types_and_every_durable_function_runs_one()
    {
        var problems = Mismatches(Functions(typeof(InboxFunctions).Assembly.GetTypes()), Tasks(DurableTasks.Orchestrators.Concat(DurableTasks.Activities)));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Contains(DurableTasks.Orchestrators, t => t.Name == "RouteInboundEvent");
        Assert.Contains(DurableTasks.Activities, t => t.Name == "SetupWizardCreateInbox");
    }

    [Fact]
    public void Core_declares_the_tasks_the_orchestrations_call_by_name()
    {
        string[] activities =
        [
            "ResolveChannel", "FindConversation", "FindOrCreateContact", "AppendMessage", "AssignConversation", "CreateTicket",
            "NotifyUnassigned", "GreetNewConversation", "RecordConsent",
            "SetupWizardCreateInbox", "SetupWizardConnectChannel", "SetupWizardDiscardInbox",
        ];
        Assert.Equal(activities.Order(StringComparer.Ordinal), DurableTasks.Activities.Select(t => t.Name));
        Assert.Equal(["RouteInboundEvent", "SetupWizard"], DurableTasks.Orchestrators.Select(t => t.Name));
    }

    [Fact]
    public async Task A_wrapper_runs_its_activity_from_the_invocations_services_with_its_cancellation()
    {
        // Every activity Core declares is in the function app's composition (resolving builds no connection).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cosmos:ConnectionString"] = "AccountEndpoint=https://127.0.0.1:1/;AccountKey=a2V5;",
        }).Build();
        await using var app = new ServiceCollection().AddLogging().AddInbox(configuration).BuildServiceProvider();
        Assert.All(DurableTasks.Activities, activity => Assert.NotNull(app.GetRequiredService(activity)));

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.InstanceServices).Returns(new ServiceCollection().AddSingleton<Echo>().BuildServiceProvider());
        context.SetupGet(c => c.CancellationToken).Returns(cancelled.Token);

        Assert.Equal("hello", await Wrappers.Run("hello", context.Object));
        await Assert.ThrowsAsync<TaskCanceledException>(() => Wrappers.Run("cancel me", context.Object));
    }

    [Fact]
    public void A_misnamed_mistyped_or_missing_wrapper_is_found()
    {
        var tasks = Tasks([typeof(Sample), typeof(Echo)]);
        Assert.Empty(Mismatches(Functions([typeof(Wrappers)]), tasks));

        var problems = Mismatches(Functions([typeof(WrongWrappers)]), tasks);
        // An activity under another name: the task has no function, and the function runs no task.
        Assert.Contains(problems, p => p.Contains("activity 'Echo'") && p.Contains("no function"));
        Assert.Contains(problems, p => p.Contains("'EchoV2'"));
        // Declared as the wrong kind is not declared.
        Assert.Contains(problems, p => p.Contains("orchestrator 'Sample'") && p.Contains("no function"));
        Assert.Contains(problems, p => p.Contains("activity 'Sample'"));

        var mistyped = Mismatches(Functions([typeof(MistypedWrappers)]), tasks);
        Assert.Contains(mistyped, p => p.Contains("'Echo'") && p.Contains("Int32"));
    }

    /// <summary>What is wrong between the functions and the tasks; empty when each task has exactly one function that runs it.</summary>
    private static List<string> Mismatches(IReadOnlyList<DurableTask> functions, IReadOnlyList<DurableTask> tasks)
    {
        var problems = new List<string>();
        foreach (var task in tasks)
        {
            var named = functions.Where(f => f.Name == task.Name && f.Kind == task.Kind).ToList();
            if (named.Count != 1)
                problems.Add($"The {task} of Core has {(named.Count == 0 ? "no function" : $"{named.Count} functions")} of its name and kind.");
            else if (named[0].Output != task.Output || (named[0].Input is { } input && input != task.Input))
                problems.Add($"The function of the {task} takes or returns other types: {named[0]}.");
        }

        foreach (var function in functions.Where(f => !tasks.Any(t => t.Name == f.Name && t.Kind == f.Kind)))
            problems.Add($"The {function} function runs no task of Core of that name and kind: the dev host would not run it.");
        return problems;
    }

    private static List<DurableTask> Functions(IEnumerable<Type> types) =>
    [
        .. from type in types
        from method in type.GetMethods()
        let name = method.GetCustomAttribute<FunctionAttribute>()?.Name
        where name is not null
        from parameter in method.GetParameters()
        let kind = parameter.IsDefined(typeof(OrchestrationTriggerAttribute)) ? "orchestrator"
            : parameter.IsDefined(typeof(ActivityTriggerAttribute)) ? "activity" : null
        where kind is not null
        select new DurableTask(name, kind, kind == "activity" ? parameter.ParameterType : null, Awaited(method.ReturnType)),
    ];

    private static List<DurableTask> Tasks(IEnumerable<Type> types) =>
    [
        .. from type in types
        let kind = Base(type, typeof(TaskOrchestrator<,>)) is not null ? "orchestrator" : "activity"
        let arguments = (Base(type, typeof(TaskOrchestrator<,>)) ?? Base(type, typeof(TaskActivity<,>)))!.GetGenericArguments()
        select new DurableTask(type.Name, kind, arguments[0], arguments[1]),
    ];

    private static Type? Base(Type type, Type generic)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == generic) return t;
        return null;
    }

    private static Type Awaited(Type returned) =>
        returned.IsGenericType && returned.GetGenericTypeDefinition() == typeof(Task<>) ? returned.GetGenericArguments()[0] : returned;

    private sealed class Sample : TaskOrchestrator<string, string>
    {
        public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => Task.FromResult(input);
    }

    private sealed class Echo : DurableActivity<string, string>
    {
        public override Task<string> Run(string input, CancellationToken ct) =>
            input == "cancel me" ? Task.FromCanceled<string>(ct) : Task.FromResult(input);
    }

    private sealed class Wrappers
    {
        [Function(nameof(Sample))]
        public static Task<string> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) => Task.FromResult("");

        [Function(nameof(Echo))]
        public static Task<string> Run([ActivityTrigger] string input, FunctionContext context) =>
            context.Activity<Echo>().Run(input, context.CancellationToken);
    }

    private sealed class WrongWrappers
    {
        [Function(nameof(Sample))]
        public static Task<string> Orchestrate([ActivityTrigger] string input) => Task.FromResult(input);

        [Function("EchoV2")]
        public static Task<string> Run([ActivityTrigger] string input) => Task.FromResult(input);
    }

    private sealed class MistypedWrappers
    {
        [Function(nameof(Sample))]
        public static Task<string> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) => Task.FromResult("");

        [Function(nameof(Echo))]
        public static Task<string> Run([ActivityTrigger] int input) => Task.FromResult("");
    }
}
