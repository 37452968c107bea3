using System.Net;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>Contacts in <c>contacts</c>, partitioned by account.</summary>
public sealed class CosmosContactStore(CosmosContainers containers) : IContactStore
{
    internal sealed record ContactDocument(string Id, string AccountId, Contact Contact);

    public async Task<Contact?> Find(string accountId, string contactId, CancellationToken ct) =>
        (await (await containers.Get(CosmosContainers.Contacts)).ReadOrNull<ContactDocument>(contactId, accountId, ct))?.Resource.Contact;

    public async Task<Contact> CreateOrGet(Contact contact, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Contacts);
        var created = await container.CreateOrGet(new ContactDocument(contact.Id, contact.AccountId, contact), contact.Id, contact.AccountId, ct);
        return created.Resource.Contact;
    }

    public async Task Save(Contact contact, CancellationToken ct) =>
        await (await containers.Get(CosmosContainers.Contacts)).UpsertItemAsync(
            new ContactDocument(contact.Id, contact.AccountId, contact), new PartitionKey(contact.AccountId), cancellationToken: ct);
}

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

internal static class CosmosContainerExtensions
{
    public static async Task<ItemResponse<T>?> ReadOrNull<T>(this Container container, string id, string partitionKey, CancellationToken ct)
    {
        try
        {
            return await container.ReadItemAsync<T>(id, new PartitionKey(partitionKey), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    /// <summary>Creates the item; when one with its id exists already (an earlier attempt), returns that one instead.</summary>
    public static async Task<ItemResponse<T>> CreateOrGet<T>(this Container container, T item, string id, string partitionKey, CancellationToken ct)
    {
        try
        {
            return await container.CreateItemAsync(item, new PartitionKey(partitionKey), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            return await container.ReadItemAsync<T>(id, new PartitionKey(partitionKey), cancellationToken: ct);
        }
    }

    public static async Task<Page<T>> ReadPage<T>(
        this Container container, QueryDefinition query, string partitionKey, int pageSize, string? continuationToken, CancellationToken ct)
    {
        using var iterator = container.GetItemQueryIterator<T>(query, continuationToken,
            new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey), MaxItemCount = pageSize });
        if (!iterator.HasMoreResults) return new Page<T>([], null);
        var page = await iterator.ReadNextAsync(ct);
        return new Page<T>([.. page], page.ContinuationToken);
    }

    /// <summary>Every page of a query in one partition.</summary>
    public static async Task<List<T>> ReadAll<T>(this Container container, QueryDefinition query, string partitionKey, CancellationToken ct)
    {
        List<T> items = [];
        string? token = null;
        do
        {
            var page = await container.ReadPage<T>(query, partitionKey, 1000, token, ct);
            items.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return items;
    }
}
