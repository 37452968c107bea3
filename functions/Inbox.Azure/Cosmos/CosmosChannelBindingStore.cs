using System.Net;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>Channel bindings in <c>channelBindings</c>, one partition per key, so lookups are point reads.</summary>
public sealed class CosmosChannelBindingStore(CosmosContainers containers) : IChannelBindingStore
{
    internal sealed record BindingDocument(string Id, ChannelBinding Binding);

    private static BindingDocument ToDocument(ChannelBinding binding) => new(CosmosErrors.ToDocumentId(binding.Key), binding);

    public async Task<Outcome<Versioned<ChannelBinding>>> Claim(ChannelBinding binding, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.ChannelBindings);
        var document = ToDocument(binding);
        try
        {
            var response = await container.CreateItemAsync(document, new PartitionKey(document.Id), cancellationToken: ct);
            return new Versioned<ChannelBinding>(response.Resource.Binding, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            return Problem.Conflict($"'{binding.Key}' is bound already.");
        }
    }

    public async Task<Versioned<ChannelBinding>?> Find(string key, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.ChannelBindings);
        var id = CosmosErrors.ToDocumentId(key);
        try
        {
            var response = await container.ReadItemAsync<BindingDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return new Versioned<ChannelBinding>(response.Resource.Binding, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<Outcome<Versioned<ChannelBinding>>> TakeOver(ChannelBinding binding, string ifMatch, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.ChannelBindings);
        var document = ToDocument(binding);
        try
        {
            var response = await container.ReplaceItemAsync(document, document.Id, new PartitionKey(document.Id),
                new ItemRequestOptions { IfMatchEtag = ifMatch }, ct);
            return new Versioned<ChannelBinding>(response.Resource.Binding, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            return Problem.Conflict($"'{binding.Key}' was claimed meanwhile.");
        }
    }

    public async Task Release(string key, string inboxId, string channelId, CancellationToken ct)
    {
        var found = await Find(key, ct);
        if (found is null || found.Value.InboxId != inboxId || found.Value.ChannelId != channelId) return;
        var container = await containers.Get(CosmosContainers.ChannelBindings);
        var id = CosmosErrors.ToDocumentId(key);
        try
        {
            await container.DeleteItemAsync<BindingDocument>(id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = found.ETag }, ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            // Someone else holds it now, or it is gone already: either way it is no longer ours to remove.
        }
    }
}
