using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>
/// The Graph subscriptions of Office 365 channels, by Graph's subscription id (the webhook's point read). Looking one up
/// by its channel, or listing them all, is for the consumer and the timer, never the webhook.
/// </summary>
public interface IMailboxSubscriptionStore
{
    Task<MailboxSubscription?> Find(string subscriptionId, CancellationToken ct);

    Task<IReadOnlyList<MailboxSubscription>> FindByChannel(string accountId, string channelId, CancellationToken ct);

    /// <summary>Every subscription, for the timer's upkeep.</summary>
    Task<IReadOnlyList<MailboxSubscription>> List(CancellationToken ct);

    /// <summary>Creates or replaces it.</summary>
    Task Put(MailboxSubscription subscription, CancellationToken ct);

    /// <returns><c>false</c> when it was gone already.</returns>
    Task<bool> Delete(string subscriptionId, CancellationToken ct);
}
