namespace InboxServerless.Core.Domain;

/// <summary>What an e-mail provider told us about a mailbox.</summary>
public enum MailboxChangeKind
{
    /// <summary>New mail: Graph's message (<see cref="MailboxChange.Reference"/> = the notification's resource), Gmail's history id, or a forwarded message's raw bytes (the blob holding them).</summary>
    NewMail,

    /// <summary>Something may have been missed: read everything since the last catch-up (Graph's delta query, Gmail's history).</summary>
    CatchUp,

    /// <summary>Graph asks for the subscription to be reauthorized (or renewed) before it lapses.</summary>
    Reauthorize,

    /// <summary>Graph removed the subscription: create it again, then catch up.</summary>
    Recreate,
}

/// <summary>
/// A change of a team mailbox, queued as the provider told it: webhooks never call the provider (Graph's 3 s deadline,
/// Pub/Sub's retries), so the queue's consumer reads what it names and routes the messages it finds. It names the channel
/// itself rather than its address, so a forwarding channel still pending its proof can be reached.
/// </summary>
/// <param name="Reference">What to read, by <see cref="Kind"/> and provider; <c>null</c> for a catch-up.</param>
/// <param name="SubscriptionId">Graph: the subscription the notification came through.</param>
public sealed record MailboxChange(
    EmailProvider Provider,
    MailboxChangeKind Kind,
    string AccountId,
    string InboxId,
    string ChannelId,
    string? Reference = null,
    string? SubscriptionId = null)
{
    /// <summary>
    /// The change as the queue carries it: a small event of the mailbox <paramref name="address"/>, its external id the
    /// notice's own (<paramref name="noticeId"/>), so the queue's duplicate detection drops a redelivered notice.
    /// </summary>
    public InboundEvent Queued(string address, string noticeId, DateTimeOffset now) => new()
    {
        Channel = ChannelKind.Email,
        Type = InboundEventType.MailboxChange,
        BindingKey = new ChannelBindingKey(ChannelKind.Email, address.Trim()).Value,
        ExternalId = noticeId,
        Sender = new InboundSender(address),
        SentAt = now,
        ReceivedAt = now,
        Mailbox = this,
    };
}
