using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>Open conversations per assignee, and who was assigned last: the inputs of a fair assignment.</summary>
public sealed record AssignmentLoad(IReadOnlyDictionary<string, int> OpenConversations, string? LastAssigned);

public sealed record ConversationFilter(ConversationStatus? Status = null, string? AssigneeId = null);

/// <summary>Conversations and their messages, partitioned by inbox.</summary>
public interface IConversationStore
{
    Task<Versioned<Conversation>?> Find(string inboxId, string conversationId, CancellationToken ct);

    /// <summary>Creates the conversation, or returns the one created before under the same id.</summary>
    Task<Versioned<Conversation>> CreateOrGet(Conversation conversation, CancellationToken ct);

    Task<Outcome<Versioned<Conversation>>> Replace(Conversation conversation, string ifMatch, CancellationToken ct);

    /// <returns><c>false</c> when a message with this id is stored already: the event was delivered before.</returns>
    Task<bool> AddMessage(Message message, CancellationToken ct);

    /// <summary>Writes the message as it is, over one stored under its id (our reply over Meta's echo of it).</summary>
    Task SaveMessage(Message message, CancellationToken ct);

    Task<Message?> FindMessage(string inboxId, string messageId, CancellationToken ct);

    /// <summary>A conversation's messages in the order they were sent, whatever order they arrived in.</summary>
    Task<IReadOnlyList<Message>> Messages(string inboxId, string conversationId, CancellationToken ct);

    /// <exception cref="UnreadableContinuationToken">The token is not one of this list's.</exception>
    Task<Page<Versioned<Conversation>>> List(string inboxId, ConversationFilter filter, int pageSize, string? continuationToken, CancellationToken ct);

    Task<AssignmentLoad> AssignmentLoad(string inboxId, CancellationToken ct);

    /// <summary>
    /// Messenger conversations, of every inbox, whose 7-day reply window ends in [<paramref name="from"/>,
    /// <paramref name="to"/>) and that the window watch is not done with (not yet marked closed for that end); all
    /// pages read. For <see cref="Application.Messenger.MessengerWindowWatch"/>.
    /// </summary>
    Task<IReadOnlyList<Versioned<Conversation>>> WindowsClosingBetween(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}
