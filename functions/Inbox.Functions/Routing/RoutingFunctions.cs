using InboxServerless.Core.Application;
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
public sealed class RoutingFunctions(
    ResolveChannel resolveChannel,
    FindConversation findConversation,
    FindOrCreateContact findOrCreateContact,
    AppendMessage appendMessage,
    AssignConversation assignConversation,
    CreateTicket createTicket,
    GreetNewConversation greetNewConversation,
    RecordConsent recordConsent,
    NotifyUnassigned notifyUnassigned)
{
    [Function(nameof(RouteInboundEvent))]
    public static Task<RoutingResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RouteInboundEvent().RunAsync(context, context.GetInput<InboundEvent>()!);

    [Function(nameof(ResolveChannel))]
    public Task<RouteTarget?> ResolveChannel([ActivityTrigger] string bindingKey, CancellationToken ct) => resolveChannel.Run(bindingKey, ct);

    [Function(nameof(FindConversation))]
    public Task<FoundThread> FindConversation([ActivityTrigger] RouteRequest request, CancellationToken ct) => findConversation.Run(request, ct);

    [Function(nameof(FindOrCreateContact))]
    public Task<string?> FindOrCreateContact([ActivityTrigger] RouteRequest request, CancellationToken ct) => findOrCreateContact.Run(request, ct);

    [Function(nameof(AppendMessage))]
    public Task<Appended> AppendMessage([ActivityTrigger] AppendRequest request, CancellationToken ct) => appendMessage.Run(request, ct);

    [Function(nameof(AssignConversation))]
    public Task<string?> AssignConversation([ActivityTrigger] ConversationRef request, CancellationToken ct) => assignConversation.Run(request, ct);

    [Function(nameof(CreateTicket))]
    public Task<TicketOutcome> CreateTicket([ActivityTrigger] ConversationRef request, CancellationToken ct) => createTicket.Run(request, ct);

    [Function(nameof(GreetNewConversation))]
    public Task<bool> GreetNewConversation([ActivityTrigger] ConversationRef request, CancellationToken ct) => greetNewConversation.Run(request, ct);

    [Function(nameof(RecordConsent))]
    public Task<bool> RecordConsent([ActivityTrigger] RouteRequest request, CancellationToken ct) => recordConsent.Run(request, ct);

    [Function(nameof(NotifyUnassigned))]
    public Task<bool> NotifyUnassigned([ActivityTrigger] ConversationRef request, CancellationToken ct) => notifyUnassigned.Run(request, ct);
}
