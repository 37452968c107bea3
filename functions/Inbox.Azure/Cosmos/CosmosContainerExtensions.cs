using System.Net;
using InboxServerless.Core.Domain;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>The point operations and query pages every store uses, with Cosmos's errors translated (<see cref="CosmosErrors"/>).</summary>
internal static class CosmosContainerExtensions
{
    public static Task<ItemResponse<T>?> ReadOrNull<T>(this Container container, string id, string partitionKey, CancellationToken ct) =>
        CosmosErrors.Otherwise<ItemResponse<T>?>(
            async () => await container.ReadItemAsync<T>(id, new PartitionKey(partitionKey), cancellationToken: ct), HttpStatusCode.NotFound, (ItemResponse<T>?)null);

    /// <summary>Creates the item; when one with its id exists already (an earlier attempt), returns that one instead.</summary>
    public static Task<ItemResponse<T>> CreateOrGet<T>(this Container container, T item, string id, string partitionKey, CancellationToken ct) =>
        CosmosErrors.Otherwise(
            () => container.CreateItemAsync(item, new PartitionKey(partitionKey), cancellationToken: ct), HttpStatusCode.Conflict,
            () => container.ReadItemAsync<T>(id, new PartitionKey(partitionKey), cancellationToken: ct));

    /// <returns><c>false</c> when an item with its id exists already.</returns>
    public static Task<bool> CreateIfAbsent<T>(this Container container, T item, string partitionKey, ItemRequestOptions options, CancellationToken ct) =>
        CosmosErrors.Otherwise(async () =>
        {
            await container.CreateItemAsync(item, new PartitionKey(partitionKey), options, ct);
            return true;
        }, HttpStatusCode.Conflict, false);

    /// <returns><c>false</c> when there was nothing to delete.</returns>
    public static Task<bool> DeleteIfPresent<T>(this Container container, string id, string partitionKey, string? ifMatch, CancellationToken ct) =>
        CosmosErrors.Otherwise(async () =>
        {
            await container.DeleteItemAsync<T>(id, new PartitionKey(partitionKey), new ItemRequestOptions { IfMatchEtag = ifMatch }, ct);
            return true;
        }, HttpStatusCode.NotFound, false);

    /// <exception cref="Core.Ports.UnreadableContinuationToken">Cosmos cannot read <paramref name="continuationToken"/>.</exception>
    public static Task<Page<T>> ReadPage<T>(
        this Container container, QueryDefinition query, string partitionKey, int pageSize, string? continuationToken, CancellationToken ct) =>
        CosmosErrors.ReadingToken(continuationToken, () => container.NextPage<T>(query, partitionKey, pageSize, continuationToken, ct));

    /// <summary>Every page of a query in one partition.</summary>
    public static async Task<List<T>> ReadAll<T>(this Container container, QueryDefinition query, string partitionKey, CancellationToken ct)
    {
        List<T> items = [];
        string? token = null;
        do
        {
            // The store's own tokens: a failure here is not the caller's.
            var page = await container.NextPage<T>(query, partitionKey, 1000, token, ct);
            items.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return items;
    }

    private static async Task<Page<T>> NextPage<T>(
        this Container container, QueryDefinition query, string partitionKey, int pageSize, string? continuationToken, CancellationToken ct)
    {
        using var iterator = container.GetItemQueryIterator<T>(query, continuationToken,
            new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey), MaxItemCount = pageSize });
        if (!iterator.HasMoreResults) return new Page<T>([], null);
        var page = await iterator.ReadNextAsync(ct);
        return new Page<T>([.. page], page.ContinuationToken);
    }
}
