using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>Tickets in <c>tickets</c>, partitioned by account; at most one per conversation (its id derives from it).</summary>
public sealed class CosmosTicketStore(CosmosContainers containers) : ITicketStore
{
    /// <summary><c>inboxId</c> is at the top for the list's filter; tickets written before it have none.</summary>
    internal sealed record TicketDocument(string Id, string AccountId, string? InboxId, string ContactId, long CreatedAtMs, Ticket Ticket);

    public async Task<Ticket> CreateOrGet(Ticket ticket, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Tickets);
        var document = new TicketDocument(ticket.Id, ticket.AccountId, ticket.InboxId, ticket.ContactId, ticket.CreatedAt.ToUnixTimeMilliseconds(), ticket);
        return (await container.CreateOrGet(document, ticket.Id, ticket.AccountId, ct)).Resource.Ticket;
    }

    public async Task<Ticket?> Find(string accountId, string ticketId, CancellationToken ct) =>
        (await (await containers.Get(CosmosContainers.Tickets)).ReadOrNull<TicketDocument>(ticketId, accountId, ct))?.Resource.Ticket;

    public async Task<int> CountForContact(string accountId, string contactId, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Tickets);
        var query = new QueryDefinition("SELECT VALUE COUNT(1) FROM c WHERE c.accountId = @accountId AND c.contactId = @contactId")
            .WithParameter("@accountId", accountId).WithParameter("@contactId", contactId);
        return (await container.ReadAll<int>(query, accountId, ct)).Sum();
    }

    public async Task<Page<Ticket>> List(
        string accountId, IReadOnlyCollection<string>? inboxIds, int pageSize, string? continuationToken, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Tickets);
        // Filtered in the query, in the account's partition, so each page is full and the continuation stays right.
        var query = inboxIds is null
            ? new QueryDefinition("SELECT * FROM c WHERE c.accountId = @accountId ORDER BY c.createdAtMs DESC")
                .WithParameter("@accountId", accountId)
            : new QueryDefinition("SELECT * FROM c WHERE c.accountId = @accountId AND ARRAY_CONTAINS(@inboxIds, c.inboxId) ORDER BY c.createdAtMs DESC")
                .WithParameter("@accountId", accountId).WithParameter("@inboxIds", inboxIds.ToArray());
        var page = await container.ReadPage<TicketDocument>(query, accountId, pageSize, continuationToken, ct);
        return new Page<Ticket>([.. page.Items.Select(d => d.Ticket)], page.ContinuationToken);
    }
}
