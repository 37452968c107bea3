using System.Collections.Concurrent;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email;

/// <summary>A subscription the webhook knows, with its channel's clientState.</summary>
public sealed record KnownSubscription(MailboxSubscription Subscription, string ClientState);

/// <summary>
/// The webhook's view of the subscriptions: a point read and a secret read the first time, then memory for
/// <see cref="GraphOptions.ClientStateCacheTtl"/>, so a notification is answered in milliseconds (Graph's 3 s deadline).
/// Unknown ids are not remembered: a subscription just created is found as soon as it is stored.
/// </summary>
public sealed class GraphSubscriptionCache(IMailboxSubscriptionStore store, ISecretStore secrets, GraphOptions options, TimeProvider clock)
{
    /// <summary>Past this many entries the cache starts over rather than grow with forged ids' neighbours.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (KnownSubscription Known, DateTimeOffset Until)> entries = new(StringComparer.Ordinal);

    /// <returns><c>null</c> for a subscription we do not hold. Throws when the store or the secret store fails.</returns>
    public async Task<KnownSubscription?> Find(string subscriptionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (entries.TryGetValue(subscriptionId, out var entry) && entry.Until > now) return entry.Known;
        if (await store.Find(subscriptionId, ct) is not { } subscription) return null;
        if (await secrets.Get(SecretNames.GraphClientState(subscription.AccountId, subscription.ChannelId), ct) is not { Length: > 0 } state) return null;
        if (entries.Count >= MaxEntries) entries.Clear();
        var known = new KnownSubscription(subscription, state);
        entries[subscriptionId] = (known, now + options.ClientStateCacheTtl);
        return known;
    }
}
