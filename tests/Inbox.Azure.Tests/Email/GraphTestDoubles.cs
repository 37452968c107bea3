using System.Collections.Concurrent;
using Azure.Core;
using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>A credential that hands out one token: the fake Graph takes any bearer token.</summary>
public sealed class FixedGraphCredentials : IGraphCredentials
{
    public List<string> Tenants { get; } = [];

    public TokenCredential For(string tenantId)
    {
        lock (Tenants) Tenants.Add(tenantId);
        return new Fixed();
    }

    private sealed class Fixed : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("fake-graph-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

/// <summary>The subscriptions' store in memory, with the Cosmos store's semantics (upsert, delete by id).</summary>
public sealed class InMemoryMailboxSubscriptions : IMailboxSubscriptionStore
{
    public ConcurrentDictionary<string, MailboxSubscription> Items { get; } = new();

    public Task<MailboxSubscription?> Find(string subscriptionId, CancellationToken ct) => Task.FromResult(Items.GetValueOrDefault(subscriptionId));

    public Task<IReadOnlyList<MailboxSubscription>> FindByChannel(string accountId, string channelId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<MailboxSubscription>>([.. Items.Values.Where(s => s.AccountId == accountId && s.ChannelId == channelId)]);

    public Task<IReadOnlyList<MailboxSubscription>> List(CancellationToken ct) => Task.FromResult<IReadOnlyList<MailboxSubscription>>([.. Items.Values]);

    public Task Put(MailboxSubscription subscription, CancellationToken ct)
    {
        Items[subscription.Id] = subscription;
        return Task.CompletedTask;
    }

    public Task<bool> Delete(string subscriptionId, CancellationToken ct) => Task.FromResult(Items.TryRemove(subscriptionId, out _));
}
