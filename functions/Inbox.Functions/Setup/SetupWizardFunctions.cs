using InboxServerless.Core.Application.Setup;
using InboxServerless.Core.Application.Setup.Activities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace InboxServerless.Functions.Setup;

/// <summary>
/// The setup wizard's orchestration and activities as Durable Functions: one line each, named by the Core class it runs.
/// A test holds these to Core's list (tests/Inbox.Functions.Tests/DurableFunctionsTests.cs).
/// </summary>
public sealed class SetupWizardFunctions(
    SetupWizardCreateInbox createInbox, SetupWizardConnectChannel connectChannel, SetupWizardDiscardInbox discardInbox)
{
    [Function(nameof(SetupWizard))]
    public static Task<WizardOutcome> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SetupWizard().RunAsync(context, context.GetInput<WizardStart>()!);

    [Function(nameof(SetupWizardCreateInbox))]
    public Task<WizardCreated> CreateInbox([ActivityTrigger] WizardCreation request, CancellationToken ct) => createInbox.Run(request, ct);

    [Function(nameof(SetupWizardConnectChannel))]
    public Task<bool> ConnectChannel([ActivityTrigger] ChannelHandshake request, CancellationToken ct) => connectChannel.Run(request, ct);

    [Function(nameof(SetupWizardDiscardInbox))]
    public Task<bool> DiscardInbox([ActivityTrigger] WizardDiscard request, CancellationToken ct) => discardInbox.Run(request, ct);
}
