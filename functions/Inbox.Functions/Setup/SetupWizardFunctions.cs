using InboxServerless.Core.Application.Setup;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace InboxServerless.Functions.Setup;

/// <summary>
/// The setup wizard's orchestration and activities as Durable Functions. The logic is in Core (<see cref="SetupWizard"/>,
/// <see cref="SetupWizardActivities"/>); these wrappers only bind, under the names the orchestration calls, which are also
/// the names <see cref="SetupWizardTasks"/> registers with the in-process engine.
/// </summary>
public sealed class SetupWizardFunctions(SetupWizardActivities steps)
{
    [Function(nameof(SetupWizard))]
    public static Task<WizardOutcome> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SetupWizard().RunAsync(context, context.GetInput<WizardStart>()!);

    [Function(SetupWizard.Activities.CreateInbox)]
    public Task<WizardCreated> CreateInbox([ActivityTrigger] WizardCreation request, CancellationToken ct) => steps.CreateInbox(request, ct);

    [Function(SetupWizard.Activities.ConnectChannel)]
    public Task<bool> ConnectChannel([ActivityTrigger] ChannelHandshake request, CancellationToken ct) => steps.ConnectChannel(request, ct);

    [Function(SetupWizard.Activities.DiscardInbox)]
    public Task<bool> DiscardInbox([ActivityTrigger] WizardDiscard request, CancellationToken ct) => steps.DiscardInbox(request, ct);
}
