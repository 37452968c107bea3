using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace InboxServerless.Functions.Routing;

/// <summary>
/// The routing orchestration and its activities as Durable Functions. The logic is in Core
/// (<see cref="RouteInboundEvent"/>, <see cref="RoutingActivities"/>); these wrappers only bind, under the names the
/// orchestration calls, which are also the names <see cref="RoutingTasks"/> registers with the in-process engine.
/// </summary>
public sealed class RoutingFunctions(RoutingActivities steps)
{
    [Function(nameof(RouteInboundEvent))]
    public static Task<RoutingResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RouteInboundEvent().RunAsync(context, context.GetInput<InboundEvent>()!);

    [Function(RouteInboundEvent.Activities.ResolveChannel)]
    public Task<RouteTarget?> ResolveChannel([ActivityTrigger] string bindingKey, CancellationToken ct) => steps.ResolveChannel(bindingKey, ct);

    [Function(RouteInboundEvent.Activities.FindConversation)]
    public Task<FoundThread> FindConversation([ActivityTrigger] RouteRequest request, CancellationToken ct) => steps.FindConversation(request, ct);

    [Function(RouteInboundEvent.Activities.FindOrCreateContact)]
    public Task<string?> FindOrCreateContact([ActivityTrigger] RouteRequest request, CancellationToken ct) => steps.FindOrCreateContact(request, ct);

    [Function(RouteInboundEvent.Activities.AppendMessage)]
    public Task<Appended> AppendMessage([ActivityTrigger] AppendRequest request, CancellationToken ct) => steps.AppendMessage(request, ct);

    [Function(RouteInboundEvent.Activities.AssignConversation)]
    public Task<string?> AssignConversation([ActivityTrigger] ConversationRef request, CancellationToken ct) => steps.AssignConversation(request, ct);

    [Function(RouteInboundEvent.Activities.CreateTicket)]
    public Task<TicketOutcome> CreateTicket([ActivityTrigger] ConversationRef request, CancellationToken ct) => steps.CreateTicket(request, ct);

    [Function(RouteInboundEvent.Activities.GreetNewConversation)]
    public Task<bool> GreetNewConversation([ActivityTrigger] ConversationRef request, CancellationToken ct) => steps.GreetNewConversation(request, ct);

    [Function(RouteInboundEvent.Activities.RecordConsent)]
    public Task<bool> RecordConsent([ActivityTrigger] RouteRequest request, CancellationToken ct) => steps.RecordConsent(request, ct);

    [Function(RouteInboundEvent.Activities.NotifyUnassigned)]
    public Task<bool> NotifyUnassigned([ActivityTrigger] ConversationRef request, CancellationToken ct) => steps.NotifyUnassigned(request, ct);
}
