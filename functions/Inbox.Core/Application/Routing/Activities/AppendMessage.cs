using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>Records the event on its conversation (made if new): its message, if it is one, and what it changes.</summary>
public sealed class AppendMessage(IConversationStore conversations) : DurableActivity<AppendRequest, Appended>
{
    public override async Task<Appended> Run(AppendRequest request, CancellationToken ct)
    {
        var (e, target, thread, contactId) = request;
        var isNew = thread.Existing is null;
        var current = isNew
            ? await conversations.CreateOrGet(NewConversation(e, target, thread, contactId), ct)
            : new Versioned<Conversation>(thread.Existing!, thread.ETag!);

        var message = MessageOf(e, target.InboxId, current.Value.Id);
        var added = message is not null && await conversations.AddMessage(message, ct);
        var applied = await conversations.Record(current, c => InboundEventRules.Apply(c, e), ct);
        return new Appended(applied.Value, isNew, added);
    }

    private static Conversation NewConversation(InboundEvent e, RouteTarget target, FoundThread thread, string? contactId) => new()
    {
        Id = thread.ConversationId,
        AccountId = target.AccountId,
        InboxId = target.InboxId,
        ChannelId = target.ChannelId,
        ChannelKind = target.Kind,
        ThreadKey = thread.ThreadKey,
        ContactId = contactId,
        SenderId = e.Sender.Email ?? e.Sender.Id,
        Subject = e.Content.Subject,
        CreatedAt = e.SentAt,
        LastMessageAt = e.SentAt,
        OpenedBy = e.ExternalId,
    };

    private static Message? MessageOf(InboundEvent e, string inboxId, string conversationId) => e.Type switch
    {
        InboundEventType.Read or InboundEventType.Delivery => null,
        _ => new Message(Message.IdFor(e.Channel, e.ExternalId), inboxId, conversationId, e.ExternalId,
            e.Type == InboundEventType.Echo ? MessageDirection.Outgoing : MessageDirection.Incoming,
            // An echo is the page's own message to the person: its author is not the contact.
            e.Type == InboundEventType.Echo ? null : e.Sender.Email ?? e.Sender.Id,
            e.Content.Text ?? e.Content.Payload, e.Content.Html, e.Content.Attachments, e.SentAt),
    };
}
