using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>
/// Graph subscriptions in <c>mailboxSubscriptions</c>, one partition per subscription id, so the webhook's lookup is a
/// point read. Finding a channel's, or listing all, fans out: only the consumer and the timer do it, and they are few.
/// </summary>
public sealed class CosmosMailboxSubscriptionStore(CosmosContainers containers) : IMailboxSubscriptionStore
{
    internal sealed record SubscriptionDocument(string Id, string AccountId, string ChannelId, MailboxSubscription Subscription);

    private Task<Container> Container() => containers.Get(CosmosContainers.MailboxSubscriptions);

    public async Task<MailboxSubscription?> Find(string subscriptionId, CancellationToken ct) =>
        (await (await Container()).ReadOrNull<SubscriptionDocument>(subscriptionId, subscriptionId, ct))?.Resource.Subscription;

    public async Task<IReadOnlyList<MailboxSubscription>> FindByChannel(string accountId, string channelId, CancellationToken ct) =>
        await Query(new QueryDefinition("SELECT * FROM c WHERE c.accountId = @account AND c.channelId = @channel")
            .WithParameter("@account", accountId).WithParameter("@channel", channelId), ct);

    public async Task<IReadOnlyList<MailboxSubscription>> List(CancellationToken ct) => await Query(new QueryDefinition("SELECT * FROM c"), ct);

    public async Task Put(MailboxSubscription subscription, CancellationToken ct) =>
        await (await Container()).UpsertItemAsync(new SubscriptionDocument(subscription.Id, subscription.AccountId, subscription.ChannelId, subscription),
            new PartitionKey(subscription.Id), cancellationToken: ct);

    public async Task<bool> Delete(string subscriptionId, CancellationToken ct) =>
        await (await Container()).DeleteIfPresent<SubscriptionDocument>(subscriptionId, subscriptionId, null, ct);

    private async Task<List<MailboxSubscription>> Query(QueryDefinition query, CancellationToken ct)
    {
        var found = new List<MailboxSubscription>();
        using var iterator = (await Container()).GetItemQueryIterator<SubscriptionDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 500 });
        while (iterator.HasMoreResults) found.AddRange((await iterator.ReadNextAsync(ct)).Select(d => d.Subscription));
        return found;
    }
}
