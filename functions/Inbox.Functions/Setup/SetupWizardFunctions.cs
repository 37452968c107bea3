using InboxServerless.Core.Application.Setup;
using InboxServerless.Core.Application.Setup.Activities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace InboxServerless.Functions.Setup;

/// <summary>
/// The setup wizard's orchestration and activities as Durable Functions: one line each, named by the Core class it runs.
/// A test holds these to Core's list (tests/Inbox.Functions.Tests/DurableFunctionsTests.cs).
/// </summary>
public static class SetupWizardFunctions
{
    [Function(nameof(SetupWizard))]
    public static Task<WizardOutcome> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SetupWizard().RunAsync(context, context.GetInput<WizardStart>()!);

    [Function(nameof(SetupWizardCreateInbox))]
    public static Task<WizardCreated> CreateInbox([ActivityTrigger] WizardCreation request, FunctionContext context) =>
        context.Activity<SetupWizardCreateInbox>().Run(request, context.CancellationToken);

    [Function(nameof(SetupWizardConnectChannel))]
    public static Task<bool> ConnectChannel([ActivityTrigger] ChannelHandshake request, FunctionContext context) =>
        context.Activity<SetupWizardConnectChannel>().Run(request, context.CancellationToken);

    [Function(nameof(SetupWizardDiscardInbox))]
    public static Task<bool> DiscardInbox([ActivityTrigger] WizardDiscard request, FunctionContext context) =>
        context.Activity<SetupWizardDiscardInbox>().Run(request, context.CancellationToken);
}
