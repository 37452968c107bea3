using System.Net;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>Inboxes in the <c>inboxes</c> container, partitioned by account, one document per inbox with its channels.</summary>
public sealed class CosmosInboxStore(CosmosContainers containers) : IInboxStore
{
    internal sealed record InboxDocument(string Id, string AccountId, string NameKey, Inbox Inbox);

    private static InboxDocument ToDocument(Inbox inbox) => new(inbox.Id, inbox.AccountId, Inbox.NameKey(inbox.Name), inbox);

    public async Task<Outcome<Versioned<Inbox>>> Create(Inbox inbox, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Inboxes);
        try
        {
            var response = await container.CreateItemAsync(ToDocument(inbox), new PartitionKey(inbox.AccountId), cancellationToken: ct);
            return new Versioned<Inbox>(response.Resource.Inbox, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            return Problem.Conflict("An inbox with this name already exists.");
        }
    }

    public async Task<Versioned<Inbox>?> Find(string accountId, string inboxId, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Inboxes);
        try
        {
            var response = await container.ReadItemAsync<InboxDocument>(inboxId, new PartitionKey(accountId), cancellationToken: ct);
            return new Versioned<Inbox>(response.Resource.Inbox, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<Page<Versioned<Inbox>>> List(string accountId, int pageSize, string? continuationToken, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Inboxes);
        // The partition key is named in the text too: the local emulator needs it there, and it keeps the query in one partition.
        var query = new QueryDefinition("SELECT * FROM c WHERE c.accountId = @accountId ORDER BY c.nameKey")
            .WithParameter("@accountId", accountId);
        var page = await container.ReadPage<Stored>(query, accountId, pageSize, continuationToken, ct);
        return new Page<Versioned<Inbox>>([.. page.Items.Select(d => new Versioned<Inbox>(d.Inbox, d.ETag))], page.ContinuationToken);
    }

    public async Task<Outcome<Versioned<Inbox>>> Replace(Inbox inbox, string ifMatch, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Inboxes);
        try
        {
            var response = await container.ReplaceItemAsync(ToDocument(inbox), inbox.Id, new PartitionKey(inbox.AccountId),
                new ItemRequestOptions { IfMatchEtag = ifMatch }, ct);
            return new Versioned<Inbox>(response.Resource.Inbox, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            return Problem.StaleETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            return Problem.Conflict("An inbox with this name already exists.");
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return Problem.NotFound("The inbox");
        }
    }

    public async Task<Outcome<bool>> Delete(string accountId, string inboxId, string? ifMatch, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Inboxes);
        try
        {
            await container.DeleteItemAsync<InboxDocument>(inboxId, new PartitionKey(accountId),
                new ItemRequestOptions { IfMatchEtag = ifMatch }, ct);
            return true;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            return Problem.StaleETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return false;
        }
    }

    private sealed record Stored(Inbox Inbox, [property: System.Text.Json.Serialization.JsonPropertyName("_etag")] string ETag);
}
