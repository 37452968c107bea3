using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Application.Routing.Activities;
using InboxServerless.Core.Domain;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace InboxServerless.Functions.Routing;

/// <summary>
/// The routing orchestration and its activities as Durable Functions: one line each, named by the Core class it runs
/// (without the source generator, which is not served here, a [Function] is written by hand). A test holds these to
/// Core's list (tests/Inbox.Functions.Tests/DurableFunctionsTests.cs).
/// </summary>
public static class RoutingFunctions
{
    [Function(nameof(RouteInboundEvent))]
    public static Task<RoutingResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RouteInboundEvent().RunAsync(context, context.GetInput<InboundEvent>()!);

    [Function(nameof(ResolveChannel))]
    public static Task<RouteTarget?> ResolveChannel([ActivityTrigger] string bindingKey, FunctionContext context) =>
        context.Activity<ResolveChannel>().Run(bindingKey, context.CancellationToken);

    [Function(nameof(FindConversation))]
    public static Task<FoundThread> FindConversation([ActivityTrigger] RouteRequest request, FunctionContext context) =>
        context.Activity<FindConversation>().Run(request, context.CancellationToken);

    [Function(nameof(FindOrCreateContact))]
    public static Task<string?> FindOrCreateContact([ActivityTrigger] RouteRequest request, FunctionContext context) =>
        context.Activity<FindOrCreateContact>().Run(request, context.CancellationToken);

    [Function(nameof(AppendMessage))]
    public static Task<Appended> AppendMessage([ActivityTrigger] AppendRequest request, FunctionContext context) =>
        context.Activity<AppendMessage>().Run(request, context.CancellationToken);

    [Function(nameof(AssignConversation))]
    public static Task<string?> AssignConversation([ActivityTrigger] ConversationRef request, FunctionContext context) =>
        context.Activity<AssignConversation>().Run(request, context.CancellationToken);

    [Function(nameof(CreateTicket))]
    public static Task<TicketOutcome> CreateTicket([ActivityTrigger] ConversationRef request, FunctionContext context) =>
        context.Activity<CreateTicket>().Run(request, context.CancellationToken);

    [Function(nameof(GreetNewConversation))]
    public static Task<bool> GreetNewConversation([ActivityTrigger] ConversationRef request, FunctionContext context) =>
        context.Activity<GreetNewConversation>().Run(request, context.CancellationToken);

    [Function(nameof(RecordConsent))]
    public static Task<bool> RecordConsent([ActivityTrigger] RouteRequest request, FunctionContext context) =>
        context.Activity<RecordConsent>().Run(request, context.CancellationToken);

    [Function(nameof(NotifyUnassigned))]
    public static Task<bool> NotifyUnassigned([ActivityTrigger] ConversationRef request, FunctionContext context) =>
        context.Activity<NotifyUnassigned>().Run(request, context.CancellationToken);
}
