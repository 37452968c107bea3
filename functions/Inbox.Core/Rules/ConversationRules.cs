using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>How an agent's actions change a conversation.</summary>
public static class ConversationRules
{
    /// <summary>Assigns, or unassigns with <c>null</c>; unassigning keeps when it was last assigned.</summary>
    public static Conversation Assign(Conversation conversation, string? assigneeId, DateTimeOffset now) =>
        conversation with { AssigneeId = assigneeId, AssignedAt = assigneeId is null ? conversation.AssignedAt : now };

    /// <summary>Closing a closed conversation changes nothing: it keeps the time it was closed.</summary>
    public static Conversation Close(Conversation conversation, DateTimeOffset now) =>
        conversation.Status == ConversationStatus.Closed ? conversation : conversation with { Status = ConversationStatus.Closed, ClosedAt = now };

    public static Conversation Reopen(Conversation conversation) => conversation with { Status = ConversationStatus.Open, ClosedAt = null };

    /// <summary>A reply sent at <paramref name="sentAt"/>; the last message's time never goes back (a later one may be recorded already).</summary>
    public static Conversation Replied(Conversation conversation, DateTimeOffset sentAt) =>
        conversation with { LastMessageAt = conversation.LastMessageAt > sentAt ? conversation.LastMessageAt : sentAt };
}
