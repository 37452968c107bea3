using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace InboxServerless.Core.Domain;

/// <summary>Ids derived from natural keys, so that creating the same thing twice addresses the same item.</summary>
public static class StableId
{
    public static string From(params string[] parts)
    {
        // The parts joined by U+001F, encoded into a stack buffer when they fit: every inbound event's message id is
        // made here on the webhook's hot path, and the join, its bytes and the hash were three allocations each time.
        var maxBytes = parts.Length;
        foreach (var part in parts) maxBytes += Encoding.UTF8.GetMaxByteCount(part.Length);
        var rented = maxBytes > 512 ? ArrayPool<byte>.Shared.Rent(maxBytes) : null;
        Span<byte> joined = rented is not null ? rented : stackalloc byte[512];
        var length = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) joined[length++] = 0x1F;
            length += Encoding.UTF8.GetBytes(parts[i], joined[length..]);
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(joined[..length], hash);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return Convert.ToHexStringLower(hash[..16]);
    }
}

/// <summary>How a contact is known on a channel: an e-mail address, or a Messenger page-scoped id (one per page).</summary>
public readonly record struct ContactKey(string Value)
{
    public static ContactKey Email(string address) => new($"email:{address.Trim().ToLowerInvariant()}");
    public static ContactKey Messenger(string pageId, string psid) => new($"messenger:{pageId}:{psid}");
    public static ContactKey ChatVisitor(string widgetId, string visitorId) => new($"chat:{widgetId}:{visitorId}");

    public string ContactId(string accountId) => StableId.From("contact", accountId, Value);
}

/// <summary>A person the account talks to. Its id derives from how it was first known (<see cref="ContactKey"/>).</summary>
public sealed record Contact(
    string Id,
    string AccountId,
    IReadOnlyList<string> Keys,
    string? Email,
    string? Name,
    string? OwnerId,
    DateTimeOffset CreatedAt,
    ConsentStatus? Consent = null);

/// <summary>Where a contact stands on an inbox's explicit consent question (Messenger).</summary>
public enum ConsentStatus { Asked, Given, Refused }

public enum ConversationStatus { Open, Closed }

/// <summary>A thread in one inbox, from one channel, with one contact (none when unknown senders make no contacts).</summary>
public sealed record Conversation
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string InboxId { get; init; }
    public required string ChannelId { get; init; }
    public required ChannelKind ChannelKind { get; init; }

    /// <summary>What identifies the thread on its channel (see <see cref="Rules.ThreadRules"/>).</summary>
    public required string ThreadKey { get; init; }

    public string? ContactId { get; init; }

    /// <summary>The sender on the channel (PSID, address, visitor id): where replies go.</summary>
    public required string SenderId { get; init; }

    public string? Subject { get; init; }
    public ConversationStatus Status { get; init; } = ConversationStatus.Open;

    /// <summary>When it was last closed: a message sent after that reopens it.</summary>
    public DateTimeOffset? ClosedAt { get; init; }
    public string? AssigneeId { get; init; }
    public DateTimeOffset? AssignedAt { get; init; }
    public string? TicketId { get; init; }

    /// <summary>Why routing did not do something it would have (no ticket because of a limit, nobody to assign).</summary>
    public string? RoutingNote { get; init; }

    /// <summary>When the channel's instant reply (and consent text) went out: once per conversation; never when none did.</summary>
    public DateTimeOffset? GreetedAt { get; init; }

    /// <summary>
    /// When a greeting message could not be sent (the reason is the <see cref="RoutingNote"/>): the greeting is not tried
    /// again, so a redelivered event neither repeats it to the person nor loops on the failure.
    /// </summary>
    public DateTimeOffset? GreetingFailedAt { get; init; }

    /// <summary>
    /// The channel's id of the message that opened the conversation: that event, redelivered, is the conversation's first
    /// again, so what its routing left undone (a notice not yet sent) is tried again.
    /// </summary>
    public string? OpenedBy { get; init; }

    /// <summary>When the inbox's fallback address was told nobody could be assigned: once, never again.</summary>
    public DateTimeOffset? FallbackEmailNotifiedAt { get; init; }

    /// <summary>
    /// When the mail to the fallback address was refused for good (a bad address, sending not configured; the reason is
    /// the <see cref="RoutingNote"/>): it is not tried again, so a redelivered event neither loops on it nor fails routing.
    /// </summary>
    public DateTimeOffset? FallbackEmailFailedAt { get; init; }

    /// <summary>When the inbox's Slack webhook was told nobody could be assigned: once, never again.</summary>
    public DateTimeOffset? SlackNotifiedAt { get; init; }

    /// <summary>
    /// When the Slack notice failed for good (Slack refused it, or the address was refused; the reason is the
    /// <see cref="RoutingNote"/>): it is not tried again, so a redelivered event does not post again and again.
    /// </summary>
    public DateTimeOffset? SlackNoticeFailedAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The newest message's time, whatever the order the messages arrived in.</summary>
    public required DateTimeOffset LastMessageAt { get; init; }

    /// <summary>The contact's newest message: Messenger's reply windows count from it.</summary>
    public DateTimeOffset? LastIncomingAt { get; init; }

    /// <summary>Messenger read receipts: the contact has read everything sent up to here.</summary>
    public DateTimeOffset? ReadByContactUpTo { get; init; }

    /// <summary>
    /// Messenger: the end of the 7-day reply window (<c>LastIncomingAt</c> + 7 days) the assignee was warned about, a day
    /// ahead, by the window watch. A new message from the person opens a new window with another end, warned about anew.
    /// </summary>
    public DateTimeOffset? WindowWarnedFor { get; init; }

    /// <summary>
    /// Messenger: set by the window watch once the 7-day window has closed, to the instant it closed (<c>LastIncomingAt</c>
    /// + 7 days): no reply is possible. It holds while it equals that instant; a newer message from the person opens a new
    /// window and the marker no longer applies.
    /// </summary>
    public DateTimeOffset? WindowClosedAt { get; init; }

    /// <summary>One conversation per thread of an inbox, whatever delivers its first message.</summary>
    public static string IdFor(string inboxId, string threadKey) => StableId.From("conversation", inboxId, threadKey);
}

public enum MessageDirection { Incoming, Outgoing }

public sealed record Attachment(string Name, string ContentType, string Url);

/// <summary>Queued: stored and on the queue, not sent yet (e-mail replies, which are sent by the queue's consumer).</summary>
public enum DeliveryStatus { Sent, Failed, Queued }

/// <summary>What became of a reply we sent: queued, sent, or failed and why (window closed, person unavailable, …).</summary>
public sealed record MessageDelivery(DeliveryStatus Status, string? Failure = null, string? Detail = null)
{
    /// <summary>Sends tried so far (queued replies): the last one's error is the <see cref="Detail"/> while still queued.</summary>
    public int Attempts { get; init; }

    /// <summary>The provider's id of the sent mail (Graph message id, Gmail message id, ACS operation id).</summary>
    public string? ProviderMessageId { get; init; }

    public DateTimeOffset? SentAt { get; init; }
}

/// <summary>A message of a conversation; its id derives from the channel's own message id, the idempotency key.</summary>
public sealed record Message(
    string Id,
    string InboxId,
    string ConversationId,
    string ExternalId,
    MessageDirection Direction,
    string? SenderId,
    string? Text,
    string? Html,
    IReadOnlyList<Attachment> Attachments,
    DateTimeOffset SentAt,
    MessageDelivery? Delivery = null)
{
    public static string IdFor(ChannelKind channel, string externalId) => StableId.From("message", channel.ToString(), externalId);
}

/// <summary>A ticket made from a conversation: at most one per conversation, so its id derives from it.</summary>
public sealed record Ticket(
    string Id,
    string AccountId,
    string ConversationId,
    string ContactId,
    string Pipeline,
    string Status,
    TicketPriority Priority,
    string? OwnerId,
    DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The inbox of the ticket's conversation, which decides who may see the ticket. Tickets made before it was recorded
    /// have none, and only admins see them.
    /// </summary>
    public string? InboxId { get; init; }

    public static string IdFor(string conversationId) => StableId.From("ticket", conversationId);
}
