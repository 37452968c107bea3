using Microsoft.DurableTask;

namespace InboxServerless.Core.Application.Setup;

/// <summary>
/// Registers the setup wizard and its activities with a Durable Task engine (the in-process one of the dev host and the
/// tests), under the names the function app's [Function] wrappers use. Called by <see cref="RoutingTasks.Register"/>.
/// </summary>
public static class SetupWizardTasks
{
    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestrator<SetupWizard>();
        Add<WizardCreation, WizardCreated>(registry, SetupWizard.Activities.CreateInbox, (a, r, ct) => a.CreateInbox(r, ct));
        Add<ChannelHandshake, bool>(registry, SetupWizard.Activities.ConnectChannel, (a, r, ct) => a.ConnectChannel(r, ct));
        Add<WizardDiscard, bool>(registry, SetupWizard.Activities.DiscardInbox, (a, r, ct) => a.DiscardInbox(r, ct));
    }

    private static void Add<TIn, TOut>(
        DurableTaskRegistry registry, string name, Func<SetupWizardActivities, TIn, CancellationToken, Task<TOut>> step) =>
        registry.AddActivity(name, services =>
            new Step<TIn, TOut>(input => step((SetupWizardActivities)services.GetService(typeof(SetupWizardActivities))!, input, CancellationToken.None)));

    private sealed class Step<TIn, TOut>(Func<TIn, Task<TOut>> run) : TaskActivity<TIn, TOut>
    {
        public override Task<TOut> RunAsync(TaskActivityContext context, TIn input) => run(input);
    }
}
