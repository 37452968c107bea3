using InboxServerless.Azure.Email;
using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Time.Testing;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>The webhook's memory of subscriptions: a store read once per TTL, never a remembered miss.</summary>
public sealed class GraphSubscriptionCacheTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMailboxSubscriptions store = new();
    private readonly InMemorySecretStore secrets = new();
    private readonly GraphSubscriptionCache cache;
    private readonly MailboxSubscription subscription;

    public GraphSubscriptionCacheTests()
    {
        cache = new GraphSubscriptionCache(new CountingStore(store, this), secrets, new GraphOptions { ClientStateCacheTtl = TimeSpan.FromMinutes(1) }, clock);
        subscription = new MailboxSubscription("sub-1", "acc", "inbox", "ch", "a@contoso.test", "t", clock.GetUtcNow(), clock.GetUtcNow().AddDays(7));
    }

    private int reads;

    [Fact]
    public async Task Reads_the_store_once_per_ttl_and_sees_a_new_subscription_at_once()
    {
        Assert.Null(await cache.Find("sub-1", default)); // not stored yet
        await store.Put(subscription, default);
        await secrets.Set(SecretNames.GraphClientState("acc", "ch"), "state-1", default);

        Assert.Equal("state-1", (await cache.Find("sub-1", default))!.ClientState); // a miss is not remembered
        await cache.Find("sub-1", default);
        clock.Advance(TimeSpan.FromSeconds(59));
        await cache.Find("sub-1", default);
        Assert.Equal(2, reads);

        clock.Advance(TimeSpan.FromSeconds(2));
        await store.Delete("sub-1", default);
        Assert.Null(await cache.Find("sub-1", default)); // a deleted subscription is gone once the entry lapses
        Assert.Equal(3, reads);
    }

    private sealed class CountingStore(IMailboxSubscriptionStore inner, GraphSubscriptionCacheTests test) : IMailboxSubscriptionStore
    {
        public Task<MailboxSubscription?> Find(string subscriptionId, CancellationToken ct)
        {
            test.reads++;
            return inner.Find(subscriptionId, ct);
        }

        public Task<IReadOnlyList<MailboxSubscription>> FindByChannel(string accountId, string channelId, CancellationToken ct) => inner.FindByChannel(accountId, channelId, ct);
        public Task<IReadOnlyList<MailboxSubscription>> List(CancellationToken ct) => inner.List(ct);
        public Task Put(MailboxSubscription subscription, CancellationToken ct) => inner.Put(subscription, ct);
        public Task<bool> Delete(string subscriptionId, CancellationToken ct) => inner.Delete(subscriptionId, ct);
    }
}
