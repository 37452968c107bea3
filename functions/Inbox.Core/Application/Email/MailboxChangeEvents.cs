using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Application.Email;

/// <summary>
/// A Graph subscription's change as the queue carries it (see <see cref="MailboxChange"/>): one small event per notice,
/// its external id the notice's own, so the queue drops a redelivered notice as a duplicate.
/// </summary>
public static class MailboxChangeEvents
{
    public static InboundEvent Of(MailboxSubscription subscription, MailboxChangeKind kind, string externalId, string? reference, DateTimeOffset now) =>
        new MailboxChange(EmailProvider.Office365, kind, subscription.AccountId, subscription.InboxId, subscription.ChannelId, reference, subscription.Id)
            .Queued(subscription.Address, externalId, now);
}
