using InboxServerless.Core.Domain;

namespace InboxServerless.Local.Tests;

/// <summary>The inbound events the queue tests put through: a person's Messenger message to one page.</summary>
internal static class TestEvents
{
    public static InboundEvent Message(string sender, string externalId, string text, DateTimeOffset at) => new()
    {
        Channel = ChannelKind.Messenger,
        Type = InboundEventType.Message,
        BindingKey = "messenger:page-1",
        ExternalId = externalId,
        Sender = new InboundSender(sender),
        Content = new InboundContent { Text = text },
        SentAt = at,
        ReceivedAt = at,
    };
}
