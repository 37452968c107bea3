using System.Collections.Concurrent;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Email.Gmail;

/// <summary>The watch store's port in memory, with ETags as Cosmos gives them (a new one per write).</summary>
public sealed class InMemoryGmailWatchStore : IGmailWatchStore
{
    private readonly ConcurrentDictionary<(string, string), Versioned<GmailWatch>> watches = new();
    private readonly ConcurrentDictionary<(string, string), string> nonces = new();

    public Task<Versioned<GmailWatch>?> Find(string accountId, string channelId, CancellationToken ct) =>
        Task.FromResult(watches.TryGetValue((accountId, channelId), out var watch) ? watch : null);

    public Task<bool> Save(GmailWatch watch, string? ifMatch, CancellationToken ct)
    {
        var key = (watch.AccountId, watch.ChannelId);
        lock (watches)
        {
            if (ifMatch is not null && (!watches.TryGetValue(key, out var current) || current.ETag != ifMatch)) return Task.FromResult(false);
            watches[key] = new Versioned<GmailWatch>(watch, Guid.NewGuid().ToString("N"));
            return Task.FromResult(true);
        }
    }

    public Task Delete(string accountId, string channelId, CancellationToken ct)
    {
        watches.TryRemove((accountId, channelId), out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<GmailWatch>> All(CancellationToken ct) => Task.FromResult<IReadOnlyList<GmailWatch>>([.. watches.Values.Select(w => w.Value)]);

    public Task BeginAuthorization(string accountId, string channelId, string nonce, DateTimeOffset expiresAt, CancellationToken ct)
    {
        nonces[(accountId, channelId)] = nonce;
        return Task.CompletedTask;
    }

    public Task<bool> EndAuthorization(string accountId, string channelId, string nonce, CancellationToken ct) =>
        Task.FromResult(((ICollection<KeyValuePair<(string, string), string>>)nonces).Remove(new((accountId, channelId), nonce)));
}
