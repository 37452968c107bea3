namespace InboxServerless.Core.Domain;

/// <summary>
/// An agent's reply stored with <see cref="DeliveryStatus.Queued"/>, on the queue for its consumer to send through the
/// conversation's channel. It names the stored message only: the consumer reads the rest, so a redelivery after the
/// send finds the message sent and sends nothing again.
/// </summary>
public sealed record OutgoingReply(string AccountId, string InboxId, string ConversationId, string MessageId)
{
    /// <summary>
    /// The reply as the queue carries it. Its external id is the message's, so the queue's duplicate detection drops a
    /// second enqueue of the same reply; replies of one conversation share a session and are sent in order.
    /// </summary>
    public InboundEvent Queued(ChannelKind channel, DateTimeOffset now) => new()
    {
        Channel = channel,
        Type = InboundEventType.Reply,
        BindingKey = $"reply:{InboxId}",
        ExternalId = MessageId,
        Sender = new InboundSender(ConversationId),
        SentAt = now,
        ReceivedAt = now,
        Reply = this,
    };
}
