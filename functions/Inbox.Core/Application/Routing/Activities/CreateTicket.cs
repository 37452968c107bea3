using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>
/// Makes the conversation's ticket when its channel makes tickets, within the contact's ticket limit; when none can be
/// made, says why on the conversation.
/// </summary>
public sealed class CreateTicket(
    IConversationStore conversations, ITicketStore tickets, TimeProvider clock, int maxTicketsPerContact = TicketRules.MaxTicketsPerContact)
    : DurableActivity<ConversationRef, TicketOutcome>
{
    public override async Task<TicketOutcome> Run(ConversationRef request, CancellationToken ct)
    {
        var (target, conversationId) = request;
        if (target.Routing.Tickets is not { } defaults) return new TicketOutcome(null, null);
        var current = await conversations.Find(target.InboxId, conversationId, ct);
        if (current is null) return new TicketOutcome(null, null);
        if (current.Value.TicketId is { } existing) return new TicketOutcome(existing, null);
        if (current.Value.ContactId is not { } contactId) return await Note(current, "No ticket was created: the sender is not a contact.", ct);

        var ticketId = Ticket.IdFor(conversationId);
        // The ticket may exist from an earlier attempt that stopped before recording it on the conversation.
        if (await tickets.Find(target.AccountId, ticketId, ct) is null &&
            await tickets.CountForContact(target.AccountId, contactId, ct) >= maxTicketsPerContact)
            return await Note(current, TicketRules.LimitReachedNote(maxTicketsPerContact), ct);

        await tickets.CreateOrGet(new Ticket(ticketId, target.AccountId, conversationId, contactId, defaults.Pipeline, defaults.Status,
            defaults.Priority, defaults.OwnerId, clock.GetUtcNow()) { InboxId = target.InboxId }, ct);
        var saved = await conversations.Replace(current.Value with { TicketId = ticketId }, current.ETag, ct);
        return saved.IsSuccess ? new TicketOutcome(ticketId, null) : throw new InvalidOperationException($"Conversation {conversationId} changed.");
    }

    private async Task<TicketOutcome> Note(Versioned<Conversation> current, string note, CancellationToken ct)
    {
        var saved = await conversations.Replace(current.Value with { RoutingNote = note }, current.ETag, ct);
        return saved.IsSuccess ? new TicketOutcome(null, note) : throw new InvalidOperationException($"Conversation {current.Value.Id} changed.");
    }
}
