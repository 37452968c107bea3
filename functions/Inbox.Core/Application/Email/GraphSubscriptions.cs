using System.Security.Cryptography;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Email;

/// <summary>An Office 365 mailbox connected: its Graph subscription and when it lapses (the timer renews it before).</summary>
public sealed record Office365Connection(string Address, string TenantId, string SubscriptionId, DateTimeOffset ExpiresAt);

/// <summary>
/// The Graph subscriptions of Office 365 channels: created when a channel connects (after the mailbox is read once, which
/// proves the tenant's grant), renewed before they lapse, created again when Graph forgot them, deleted when the channel
/// goes. Each channel's clientState is a secret (<see cref="SecretNames.GraphClientState"/>) kept across recreations, so a
/// notification in flight for the old subscription is still recognised.
/// </summary>
public sealed class GraphSubscriptions(IGraphMailboxes graph, IMailboxSubscriptionStore store, ISecretStore secrets, TimeProvider clock)
{
    public async Task<Outcome<Office365Connection>> Connect(
        string accountId, string inboxId, string channelId, string address, string tenantId, CancellationToken ct)
    {
        if (!MailboxSubscriptionRules.IsTenant(tenantId))
            return Problem.Invalid("tenantId", "Give the Microsoft Entra tenant id (a GUID) or a verified domain of the mailbox's tenant.");
        try
        {
            var now = clock.GetUtcNow();
            var existing = await store.FindByChannel(accountId, channelId, ct);
            // A retried connection (the wizard's activity, a second click) finds its subscription made.
            if (existing.FirstOrDefault(s => s.TenantId == tenantId && s.Address == address && s.InboxId == inboxId && s.ExpiresAt > now) is { } live)
                return Connection(live);

            var reachable = await graph.CheckMailbox(tenantId, address, ct);
            if (!reachable.IsSuccess) return reachable.Problem!;
            var created = await graph.Subscribe(tenantId, address, await ClientState(accountId, channelId, ct), MailboxSubscriptionRules.ExpiryFrom(now), ct);
            if (!created.IsSuccess) return created.Problem!;

            // The same mailbox read on from where it stood; another one from the start.
            var same = existing.FirstOrDefault(s => s.TenantId == tenantId && s.Address == address);
            var subscription = new MailboxSubscription(created.Value!.Id, accountId, inboxId, channelId, address, tenantId, now, created.Value.ExpiresAt)
            {
                DeltaLink = same?.DeltaLink,
            };
            await store.Put(subscription, ct);
            foreach (var old in existing.Where(s => s.Id != subscription.Id)) await Drop(old, ct);
            return Connection(subscription);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            return new Problem(ProblemKind.Unavailable, "The mailbox's subscription could not be recorded: try again.", e.Message);
        }
    }

    /// <summary>
    /// Renews the subscription, or creates it again when Graph no longer knows it. Throws when Graph refuses or cannot be
    /// reached, so the queue or the timer tries again.
    /// </summary>
    public async Task<(MailboxSubscription Current, bool Recreated)> Renew(MailboxSubscription subscription, CancellationToken ct)
    {
        var renewed = await graph.Renew(subscription.TenantId, subscription.Id, MailboxSubscriptionRules.ExpiryFrom(clock.GetUtcNow()), ct);
        if (renewed.IsSuccess)
        {
            // Read again: the consumer may have kept a delta link since the timer listed it.
            var current = (await store.Find(subscription.Id, ct) ?? subscription) with { ExpiresAt = renewed.Value };
            await store.Put(current, ct);
            return (current, false);
        }

        if (renewed.Problem!.Kind != ProblemKind.NotFound) throw Failed("renew", subscription, renewed.Problem);
        return (await Recreate(subscription, ct), true);
    }

    /// <summary>Creates the subscription again (Graph removed it), keeping where reading the mailbox stands.</summary>
    public async Task<MailboxSubscription> Recreate(MailboxSubscription subscription, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var created = await graph.Subscribe(subscription.TenantId, subscription.Address,
            await ClientState(subscription.AccountId, subscription.ChannelId, ct), MailboxSubscriptionRules.ExpiryFrom(now), ct);
        if (!created.IsSuccess) throw Failed("create again", subscription, created.Problem!);
        var current = subscription with { Id = created.Value!.Id, CreatedAt = now, ExpiresAt = created.Value.ExpiresAt };
        await store.Put(current, ct);
        if (current.Id != subscription.Id) await store.Delete(subscription.Id, ct);
        return current;
    }

    /// <summary>Deletes the channel's subscriptions at Graph and here, and its clientState, best effort.</summary>
    /// <returns>What could not be undone, for the log; <c>null</c> when nothing is left over.</returns>
    public async Task<string?> Disconnect(string accountId, string channelId, CancellationToken ct)
    {
        var leftovers = new List<string>();
        try
        {
            foreach (var subscription in await store.FindByChannel(accountId, channelId, ct))
            {
                if (await Drop(subscription, ct) is { } leftover) leftovers.Add(leftover);
            }

            await secrets.Delete(SecretNames.GraphClientState(accountId, channelId), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            leftovers.Add($"The Office 365 channel's subscriptions or clientState could not be deleted: {e.Message}");
        }

        return leftovers.Count == 0 ? null : string.Join(" ", leftovers);
    }

    private async Task<string?> Drop(MailboxSubscription subscription, CancellationToken ct)
    {
        var deleted = await graph.Unsubscribe(subscription.TenantId, subscription.Id, ct);
        await store.Delete(subscription.Id, ct);
        // Graph stops on its own when the subscription lapses, and its notifications no longer match a subscription of ours.
        return deleted.IsSuccess ? null
            : $"Graph subscription {subscription.Id} of {subscription.Address} could not be deleted ({deleted.Problem!.Title}); it lapses by {subscription.ExpiresAt:O}.";
    }

    private async Task<string> ClientState(string accountId, string channelId, CancellationToken ct)
    {
        var name = SecretNames.GraphClientState(accountId, channelId);
        if (await secrets.Get(name, ct) is { Length: > 0 } kept) return kept;
        // 256 random bits, base64url: 43 characters, within Graph's 255.
        var state = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await secrets.Set(name, state, ct);
        return state;
    }

    private static Office365Connection Connection(MailboxSubscription s) => new(s.Address, s.TenantId, s.Id, s.ExpiresAt);

    private static InvalidOperationException Failed(string what, MailboxSubscription s, Problem problem) =>
        new($"Could not {what} the Graph subscription {s.Id} of {s.Address}: {problem.Title} {problem.Detail}".Trim());
}
