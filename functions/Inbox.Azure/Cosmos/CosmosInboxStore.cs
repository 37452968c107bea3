using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>Inboxes in the <c>inboxes</c> container, partitioned by account, one document per inbox with its channels.</summary>
public sealed class CosmosInboxStore(CosmosContainers containers) : IInboxStore
{
    internal sealed record InboxDocument(string Id, string AccountId, string NameKey, Inbox Inbox);

    private static InboxDocument ToDocument(Inbox inbox) => new(inbox.Id, inbox.AccountId, Inbox.NameKey(inbox.Name), inbox);

    private static readonly Problem NameTaken = Problem.Conflict("An inbox with this name already exists.");

    public async Task<Outcome<Versioned<Inbox>>> Create(Inbox inbox, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Inboxes);
        return await CosmosErrors.Guarded(
            async () => Versioned(await container.CreateItemAsync(ToDocument(inbox), new PartitionKey(inbox.AccountId), cancellationToken: ct)),
            new Refusals(Taken: NameTaken));
    }

    public async Task<Versioned<Inbox>?> Find(string accountId, string inboxId, CancellationToken ct) =>
        await (await containers.Get(CosmosContainers.Inboxes)).ReadOrNull<InboxDocument>(inboxId, accountId, ct) is { } read ? Versioned(read) : null;

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
        return await CosmosErrors.Guarded(
            async () => Versioned(await container.ReplaceItemAsync(ToDocument(inbox), inbox.Id, new PartitionKey(inbox.AccountId),
                new ItemRequestOptions { IfMatchEtag = ifMatch }, ct)),
            new Refusals(Taken: NameTaken, Missing: Problem.NotFound("The inbox"), Stale: Problem.StaleETag));
    }

    public async Task<Outcome<bool>> Delete(string accountId, string inboxId, string? ifMatch, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Inboxes);
        return await CosmosErrors.Guarded(
            () => container.DeleteIfPresent<InboxDocument>(inboxId, accountId, ifMatch, ct), new Refusals(Stale: Problem.StaleETag));
    }

    private static Versioned<Inbox> Versioned(ItemResponse<InboxDocument> response) => new(response.Resource.Inbox, response.ETag);

    private sealed record Stored(Inbox Inbox, [property: System.Text.Json.Serialization.JsonPropertyName("_etag")] string ETag);
}
