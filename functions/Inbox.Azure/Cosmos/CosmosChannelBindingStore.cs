using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>Channel bindings in <c>channelBindings</c>, one partition per key, so lookups are point reads.</summary>
public sealed class CosmosChannelBindingStore(CosmosContainers containers) : IChannelBindingStore
{
    internal sealed record BindingDocument(string Id, ChannelBinding Binding);

    private static BindingDocument ToDocument(ChannelBinding binding) => new(ToDocumentId(binding.Key), binding);

    /// <summary>
    /// Cosmos ids may not contain '/', '\\', '?' or '#' (and '%' trips some gateways); external ids such as e-mail
    /// addresses might. So the document id is a digest of the key, and the key itself is kept in the document.
    /// </summary>
    private static string ToDocumentId(string key) => StableId.From("binding", key);

    private static Versioned<ChannelBinding> Versioned(ItemResponse<BindingDocument> response) => new(response.Resource.Binding, response.ETag);

    public async Task<Outcome<Versioned<ChannelBinding>>> Claim(ChannelBinding binding, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.ChannelBindings);
        var document = ToDocument(binding);
        return await CosmosErrors.Guarded(
            async () => Versioned(await container.CreateItemAsync(document, new PartitionKey(document.Id), cancellationToken: ct)),
            new Refusals(Taken: Problem.Conflict($"'{binding.Key}' is bound already.")));
    }

    public async Task<Versioned<ChannelBinding>?> Find(string key, CancellationToken ct)
    {
        var id = ToDocumentId(key);
        return await (await containers.Get(CosmosContainers.ChannelBindings)).ReadOrNull<BindingDocument>(id, id, ct) is { } read ? Versioned(read) : null;
    }

    public async Task<Outcome<Versioned<ChannelBinding>>> TakeOver(ChannelBinding binding, string ifMatch, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.ChannelBindings);
        var document = ToDocument(binding);
        var claimedMeanwhile = Problem.Conflict($"'{binding.Key}' was claimed meanwhile.");
        return await CosmosErrors.Guarded(
            async () => Versioned(await container.ReplaceItemAsync(document, document.Id, new PartitionKey(document.Id),
                new ItemRequestOptions { IfMatchEtag = ifMatch }, ct)),
            new Refusals(Missing: claimedMeanwhile, Stale: claimedMeanwhile));
    }

    public async Task Release(string key, string inboxId, string channelId, CancellationToken ct)
    {
        var found = await Find(key, ct);
        if (found is null || found.Value.InboxId != inboxId || found.Value.ChannelId != channelId) return;
        var container = await containers.Get(CosmosContainers.ChannelBindings);
        var id = ToDocumentId(key);
        // Changed since it was read: someone else holds it now; gone: it is gone already. Either way it is no longer ours
        // to remove, so both refusals are answers to drop.
        _ = await CosmosErrors.Guarded(
            () => container.DeleteIfPresent<BindingDocument>(id, id, found.ETag, ct), new Refusals(Stale: Problem.StaleETag));
    }
}
