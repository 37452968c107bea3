using InboxServerless.Core.Application.Routing.Activities;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using Microsoft.DurableTask;

namespace InboxServerless.Core.Application.Routing;

public enum RoutingStatus { Routed, Dropped }

public sealed record RoutingResult(RoutingStatus Status, string? ConversationId = null, string? AssigneeId = null, string? TicketId = null, string? Note = null);

/// <summary>
/// The routing workflow of one inbound event: find the inbox, the conversation (or the contact and a new conversation),
/// append the message, then assign, make a ticket, and notify when nobody could be assigned. Orchestrator code is
/// replayed, so it only decides; each step is an activity (Routing/Activities/, called by its class name), retried with
/// backoff and idempotent: run twice (a retried activity, a redelivered event), it changes nothing the second time.
/// </summary>
public sealed class RouteInboundEvent : TaskOrchestrator<InboundEvent, RoutingResult>
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromMilliseconds(200), backoffCoefficient: 2,
            maxRetryInterval: TimeSpan.FromSeconds(10)));

    public override async Task<RoutingResult> RunAsync(TaskOrchestrationContext context, InboundEvent inbound)
    {
        var target = await context.CallActivityAsync<RouteTarget?>(nameof(ResolveChannel), inbound.BindingKey, Retry);
        if (target is null) return new RoutingResult(RoutingStatus.Dropped, Note: $"No inbox has the channel '{inbound.BindingKey}'.");

        var request = new RouteRequest(inbound, target);
        var thread = await context.CallActivityAsync<FoundThread>(nameof(FindConversation), request, Retry);
        var isMessage = inbound.Type is not (InboundEventType.Read or InboundEventType.Delivery);
        if (thread.Existing is null && !isMessage)
            return new RoutingResult(RoutingStatus.Dropped, Note: "A receipt for a conversation we do not hold.");

        var contactId = thread.Existing is null
            ? await context.CallActivityAsync<string?>(nameof(FindOrCreateContact), request, Retry)
            : thread.Existing.ContactId;
        var appended = await context.CallActivityAsync<Appended>(nameof(AppendMessage), new AppendRequest(inbound, target, thread, contactId), Retry);
        var conversation = appended.Conversation;
        // Only what the contact sends is routed; our own echoes and receipts are recorded and end here.
        if (inbound.Type is InboundEventType.Echo || !isMessage) return new RoutingResult(RoutingStatus.Routed, conversation.Id, conversation.AssigneeId);

        var reference = new ConversationRef(target, conversation.Id);
        if (target.Greeting is not null)
        {
            if (appended.IsNewConversation) await context.CallActivityAsync<bool>(nameof(GreetNewConversation), reference, Retry);
            else if (InboundEventRules.ConsentAnswer(inbound) is not null) await context.CallActivityAsync<bool>(nameof(RecordConsent), request, Retry);
        }

        var assignee = conversation.AssigneeId;
        if (assignee is null && target.Routing.Assignment.Mode != AssignmentMode.Off)
            assignee = await context.CallActivityAsync<string?>(nameof(AssignConversation), reference, Retry);

        var ticket = new TicketOutcome(conversation.TicketId, null);
        if (ticket.TicketId is null && target.Routing.Tickets is not null)
            ticket = await context.CallActivityAsync<TicketOutcome>(nameof(CreateTicket), reference, Retry);

        // The opening event redelivered (its routing failed, or was cut short) is the first again: what it left unsent is due.
        var opened = appended.IsNewConversation || conversation.OpenedBy == inbound.ExternalId;
        if (assignee is null && target.Routing.Assignment.Mode != AssignmentMode.Off && opened)
            await context.CallActivityAsync<bool>(nameof(NotifyUnassigned), reference, Retry);

        return new RoutingResult(RoutingStatus.Routed, conversation.Id, assignee, ticket.TicketId, ticket.Note);
    }
}
