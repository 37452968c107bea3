using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>
/// Gmail watches in <c>channelBindings</c> beside the binding of their address (a lookup from the mailbox, one
/// partition per document, point reads), told apart by <c>type</c>. Only the daily renewal lists them all.
/// </summary>
public sealed class CosmosGmailWatchStore(CosmosContainers containers) : IGmailWatchStore
{
    private const string WatchType = "gmailWatch";
    private const string AuthorizationType = "gmailAuthorization";

    internal sealed record WatchDocument(string Id, string Type, GmailWatch Watch);

    internal sealed record AuthorizationDocument(string Id, string Type, string Nonce, DateTimeOffset ExpiresAt);

    private static string WatchId(string accountId, string channelId) => StableId.From(WatchType, accountId, channelId);

    private static string AuthorizationId(string accountId, string channelId) => StableId.From(AuthorizationType, accountId, channelId);

    public async Task<Versioned<GmailWatch>?> Find(string accountId, string channelId, CancellationToken ct)
    {
        var id = WatchId(accountId, channelId);
        return await (await Container()).ReadOrNull<WatchDocument>(id, id, ct) is { } read ? new(read.Resource.Watch, read.ETag) : null;
    }

    public async Task<bool> Save(GmailWatch watch, string? ifMatch, CancellationToken ct)
    {
        var document = new WatchDocument(WatchId(watch.AccountId, watch.ChannelId), WatchType, watch);
        var saved = await CosmosErrors.Guarded(
            async () => await (await Container()).UpsertItemAsync(document, new PartitionKey(document.Id), new ItemRequestOptions { IfMatchEtag = ifMatch }, ct),
            new Refusals(Missing: Problem.StaleETag, Stale: Problem.StaleETag));
        return saved.IsSuccess;
    }

    public async Task Delete(string accountId, string channelId, CancellationToken ct)
    {
        var id = WatchId(accountId, channelId);
        await (await Container()).DeleteIfPresent<WatchDocument>(id, id, null, ct);
    }

    public async Task<IReadOnlyList<GmailWatch>> All(CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type").WithParameter("@type", WatchType);
        var watches = new List<GmailWatch>();
        using var iterator = (await Container()).GetItemQueryIterator<WatchDocument>(query);
        while (iterator.HasMoreResults) watches.AddRange((await iterator.ReadNextAsync(ct)).Select(d => d.Watch));
        return watches;
    }

    public async Task BeginAuthorization(string accountId, string channelId, string nonce, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var document = new AuthorizationDocument(AuthorizationId(accountId, channelId), AuthorizationType, nonce, expiresAt);
        await (await Container()).UpsertItemAsync(document, new PartitionKey(document.Id), cancellationToken: ct);
    }

    public async Task<bool> EndAuthorization(string accountId, string channelId, string nonce, CancellationToken ct)
    {
        var container = await Container();
        var id = AuthorizationId(accountId, channelId);
        if (await container.ReadOrNull<AuthorizationDocument>(id, id, ct) is not { } read || read.Resource.Nonce != nonce) return false;
        // Deleted only as read: of two callbacks racing with the same state, one deletes it and the other finds it changed.
        var deleted = await CosmosErrors.Guarded(() => container.DeleteIfPresent<AuthorizationDocument>(id, id, read.ETag, ct),
            new Refusals(Stale: Problem.StaleETag));
        return deleted is { IsSuccess: true, Value: true };
    }

    private Task<Container> Container() => containers.Get(CosmosContainers.ChannelBindings);
}
