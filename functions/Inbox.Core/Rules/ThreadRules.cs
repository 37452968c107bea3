using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>Which thread an inbound event belongs to, before any lookup.</summary>
public static class ThreadRules
{
    /// <summary>The thread key of an e-mail the provider threads itself, before the provider's conversation id.</summary>
    public const string EmailConversationPrefix = "email:conversation:";

    /// <summary>
    /// Messenger: one thread per person and page. Chat: one per visitor session. Forms: every submission is its own.
    /// E-mail: an answer to a message we hold joins that message's thread (see <see cref="EmailReferences"/>); otherwise
    /// the provider's conversation id when it gives one, and failing that the message starts a thread.
    /// </summary>
    public static string ThreadKey(InboundEvent e) => e.Channel switch
    {
        ChannelKind.Messenger => $"messenger:{e.Sender.Id}",
        ChannelKind.Chat => $"chat:{e.Thread.SessionId ?? e.Sender.Id}",
        ChannelKind.Form => $"form:{e.ExternalId}",
        _ => e.Thread.ConversationId is { } conversation ? EmailConversationPrefix + conversation : $"email:message:{e.ExternalId}",
    };

    /// <summary>
    /// The earlier messages an e-mail answers, nearest first: its thread is theirs. Read whatever the provider, so that a
    /// reply through Office 365 to a thread that began as forwarded mail (which Graph knows under no conversation) joins it.
    /// </summary>
    public static IReadOnlyList<string> EmailReferences(InboundEvent e) =>
        e.Channel != ChannelKind.Email
            ? []
            : [.. new[] { e.Thread.InReplyTo }.Concat(e.Thread.References.Reverse()).OfType<string>().Distinct()];

    /// <summary>How the sender is known as a contact on this channel.</summary>
    public static ContactKey ContactKeyOf(InboundEvent e, string pageOrWidgetId) => e.Channel switch
    {
        ChannelKind.Messenger => ContactKey.Messenger(pageOrWidgetId, e.Sender.Id),
        ChannelKind.Chat when e.Sender.Email is null => ContactKey.ChatVisitor(pageOrWidgetId, e.Sender.Id),
        _ => ContactKey.Email(e.Sender.Email ?? e.Sender.Id),
    };
}
