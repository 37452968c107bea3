using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

public interface ITicketStore
{
    /// <summary>Creates the ticket, or returns the one created before under the same id.</summary>
    Task<Ticket> CreateOrGet(Ticket ticket, CancellationToken ct);

    Task<Ticket?> Find(string accountId, string ticketId, CancellationToken ct);

    Task<int> CountForContact(string accountId, string contactId, CancellationToken ct);

    /// <summary>The account's tickets, newest first; with <paramref name="inboxIds"/>, only those of these inboxes.</summary>
    /// <exception cref="UnreadableContinuationToken">The token is not one of this list's.</exception>
    Task<Page<Ticket>> List(string accountId, IReadOnlyCollection<string>? inboxIds, int pageSize, string? continuationToken, CancellationToken ct);
}
