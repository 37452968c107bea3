using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email;

/// <summary>
/// Reads Office 365 mailboxes for the queue's consumer. New mail: the message the notification named, fetched with its
/// headers and attachments. Catch-up: the inbox's delta since the kept delta link (a full resync bounded by
/// <see cref="GraphOptions.ResyncWindow"/> without one, or when Graph answers 410), the new link kept only at
/// <see cref="Commit"/>. Reauthorize renews the subscription; Recreate creates it again and catches up. Every message
/// is one event whose external id is its internet message id, so a message read twice (a retried notification, an
/// overlapping catch-up) is stored once. Throws when Graph cannot be reached: the queue delivers the change again.
/// </summary>
public sealed class GraphMailboxReader(
    GraphMailboxApi graph, IMailboxSubscriptionStore store, GraphSubscriptions subscriptions, EmailIntake intake, GraphOptions options, TimeProvider clock)
    : IMailboxReader
{
    /// <summary>The last notification time is written at most this often: it only tells the timer the mailbox is alive.</summary>
    public static readonly TimeSpan NotificationTimeResolution = TimeSpan.FromMinutes(1);

    public EmailProvider Provider => EmailProvider.Office365;

    public async Task<MailboxRead> Read(Mailbox mailbox, MailboxChange change, CancellationToken ct)
    {
        if (await Subscription(mailbox, change.SubscriptionId, ct) is not { } subscription) return MailboxRead.Nothing;
        switch (change.Kind)
        {
            case MailboxChangeKind.NewMail:
                await Heard(subscription, ct);
                return MessageIdOf(change.Reference) is { } id && await Message(mailbox, subscription, id, ct) is { } message
                    ? new MailboxRead([message])
                    : MailboxRead.Nothing;
            case MailboxChangeKind.Reauthorize:
                var (renewed, recreated) = await subscriptions.Renew(subscription, ct);
                return recreated ? await CatchUp(mailbox, renewed, ct) : MailboxRead.Nothing;
            case MailboxChangeKind.Recreate:
                return await CatchUp(mailbox, await subscriptions.Recreate(subscription, ct), ct);
            default:
                return await CatchUp(mailbox, subscription, ct);
        }
    }

    public async Task Commit(Mailbox mailbox, string checkpoint, CancellationToken ct)
    {
        if (await Subscription(mailbox, null, ct) is { } subscription)
            await store.Put(subscription with { DeltaLink = checkpoint, LastCatchUpAt = clock.GetUtcNow() }, ct);
    }

    private async Task<MailboxRead> CatchUp(Mailbox mailbox, MailboxSubscription subscription, CancellationToken ct)
    {
        var delta = await graph.ReadDelta(subscription.TenantId, subscription.Address, subscription.DeltaLink, clock.GetUtcNow() - options.ResyncWindow, ct);
        var messages = new List<InboundEvent>(delta.MessageIds.Count);
        foreach (var id in delta.MessageIds)
        {
            if (await Message(mailbox, subscription, id, ct) is { } message) messages.Add(message);
        }

        return new MailboxRead(messages, delta.DeltaLink);
    }

    /// <summary>The message ready to route; <c>null</c> when it is gone, or is no mail we can route (a draft without a sender).</summary>
    private async Task<InboundEvent?> Message(Mailbox mailbox, MailboxSubscription subscription, string messageId, CancellationToken ct)
    {
        if (await graph.GetMessage(subscription.TenantId, subscription.Address, messageId, ct) is not { } json) return null;
        var email = GraphMessageNormaliser.Normalise(json, mailbox.Channel.BindingKey.Value, clock.GetUtcNow());
        return email.IsSuccess ? await intake.Take(mailbox, email.Value!, ct) : null;
    }

    /// <summary>The subscription named, or (recreated since) the channel's current one for the same mailbox.</summary>
    private async Task<MailboxSubscription?> Subscription(Mailbox mailbox, string? subscriptionId, CancellationToken ct)
    {
        if (subscriptionId is not null && await store.Find(subscriptionId, ct) is { } named && named.ChannelId == mailbox.Channel.Id) return named;
        return (await store.FindByChannel(mailbox.AccountId, mailbox.Channel.Id, ct))
            .Where(s => s.InboxId == mailbox.InboxId && string.Equals(s.Address, mailbox.Settings.Address, StringComparison.OrdinalIgnoreCase))
            .MaxBy(s => s.CreatedAt);
    }

    /// <summary>Tells the timer the mailbox is alive, at most once a minute: not a write per message.</summary>
    private async Task Heard(MailboxSubscription subscription, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (subscription.LastNotificationAt is { } last && now - last < NotificationTimeResolution) return;
        await store.Put(subscription with { LastNotificationAt = now }, ct);
    }

    /// <summary>
    /// The message id of a notification's resource, as Graph writes it: <c>Users/{user}/Messages/{id}</c> (or the
    /// OData key form <c>messages('{id}')</c>). The mailbox is the subscription's own, never the resource's.
    /// </summary>
    public static string? MessageIdOf(string? resource)
    {
        if (string.IsNullOrEmpty(resource)) return null;
        var segments = resource.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Equals("messages", StringComparison.OrdinalIgnoreCase))
                // An id may hold '/': the rest of the path is the id.
                return i + 1 < segments.Length ? Uri.UnescapeDataString(string.Join('/', segments[(i + 1)..])) : null;
            if (segment.StartsWith("messages('", StringComparison.OrdinalIgnoreCase) && segment.EndsWith("')", StringComparison.Ordinal))
                return segment["messages('".Length..^2] is { Length: > 0 } id ? Uri.UnescapeDataString(id) : null;
        }

        return null;
    }
}
