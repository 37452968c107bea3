using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Ports;

/// <summary>
/// Lookups by ids that come from requests: an id that cannot name anything (<see cref="DirectoryRules.CanName"/>) is not
/// found, without asking the store.
/// </summary>
public static class WellFormedLookups
{
    public static Task<Versioned<Inbox>?> FindByRequest(this IInboxStore inboxes, string accountId, string inboxId, CancellationToken ct) =>
        DirectoryRules.CanName(inboxId) ? inboxes.Find(accountId, inboxId, ct) : Task.FromResult<Versioned<Inbox>?>(null);

    public static Task<Versioned<Conversation>?> FindByRequest(
        this IConversationStore conversations, string inboxId, string conversationId, CancellationToken ct) =>
        DirectoryRules.CanName(inboxId) && DirectoryRules.CanName(conversationId)
            ? conversations.Find(inboxId, conversationId, ct)
            : Task.FromResult<Versioned<Conversation>?>(null);

    public static Task<Ticket?> FindByRequest(this ITicketStore tickets, string accountId, string ticketId, CancellationToken ct) =>
        DirectoryRules.CanName(ticketId) ? tickets.Find(accountId, ticketId, ct) : Task.FromResult<Ticket?>(null);
}
