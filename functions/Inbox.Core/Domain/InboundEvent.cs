namespace InboxServerless.Core.Domain;

/// <summary>
/// What happened on a channel: a message, or something about one (read, delivered, a postback, consent), or a change of
/// a team mailbox whose messages are still to be read (<see cref="InboundEvent.Mailbox"/>), or one of our replies
/// waiting to be sent (<see cref="InboundEvent.Reply"/>): the queue is the one place with retries and a dead-letter store.
/// </summary>
public enum InboundEventType { Message, Echo, Postback, Read, Delivery, OptIn, MailboxChange, Reply }

/// <summary>Who sent it: a Messenger page-scoped id, an e-mail address, or a chat visitor id.</summary>
public sealed record InboundSender(string Id, string? Name = null, string? Email = null);

/// <summary>What joins a message to an existing conversation, per channel.</summary>
public sealed record ThreadHints
{
    /// <summary>E-mail: the provider's conversation id (Graph <c>conversationId</c>, Gmail <c>threadId</c>).</summary>
    public string? ConversationId { get; init; }

    /// <summary>E-mail: <c>In-Reply-To</c> and <c>References</c> message ids.</summary>
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>Chat: the visitor's session.</summary>
    public string? SessionId { get; init; }
}

public sealed record InboundContent
{
    public string? Text { get; init; }
    public string? Html { get; init; }
    public string? Subject { get; init; }

    /// <summary>By reference: the channel's URL, or a blob of ours.</summary>
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];

    /// <summary>Messenger: a quick reply's or a postback's payload.</summary>
    public string? Payload { get; init; }
}

/// <summary>
/// One inbound event of any channel, as it travels on the queue. Versioned JSON (<see cref="Version"/>): readers accept
/// every version they know and refuse others to the dead-letter store.
/// </summary>
public sealed record InboundEvent
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    public required ChannelKind Channel { get; init; }
    public required InboundEventType Type { get; init; }

    /// <summary>The channel binding key (<see cref="ChannelBindingKey.Value"/>): which inbox and channel it arrived on.</summary>
    public required string BindingKey { get; init; }

    /// <summary>The channel's own id for this event (Messenger <c>mid</c>, Graph message id, …): the idempotency key.</summary>
    public required string ExternalId { get; init; }

    public required InboundSender Sender { get; init; }
    public ThreadHints Thread { get; init; } = new();
    public InboundContent Content { get; init; } = new();

    /// <summary>When the sender sent it (the channel's timestamp), and when we received it.</summary>
    public required DateTimeOffset SentAt { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>With <see cref="InboundEventType.MailboxChange"/>: what to read; the consumer turns it into messages.</summary>
    public MailboxChange? Mailbox { get; init; }

    /// <summary>With <see cref="InboundEventType.Reply"/>: the stored reply to send.</summary>
    public OutgoingReply? Reply { get; init; }

    /// <summary>The message id on the queue, so duplicate detection drops a redelivered webhook.</summary>
    public string MessageId => StableId.From("event", BindingKey, Type.ToString(), ExternalId);

    /// <summary>
    /// Events of one conversation share a session, so they are applied one at a time and in order. The key is what
    /// identifies the thread before any lookup: the sender on a page or widget, the provider's thread on e-mail.
    /// </summary>
    public string SessionKey => Channel switch
    {
        _ when Reply is { } reply => $"{BindingKey}|{reply.ConversationId}",
        // One mailbox's changes one at a time: a Gmail history id read twice at once would store its messages twice over.
        ChannelKind.Email when Mailbox is { } change => $"{BindingKey}|mailbox:{change.ChannelId}",
        ChannelKind.Email => $"{BindingKey}|{Thread.ConversationId ?? Thread.References.FirstOrDefault() ?? Thread.InReplyTo ?? ExternalId}",
        ChannelKind.Chat => $"{BindingKey}|{Thread.SessionId ?? Sender.Id}",
        _ => $"{BindingKey}|{Sender.Id}",
    };
}
