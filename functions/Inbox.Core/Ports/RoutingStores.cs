using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

public interface IContactStore
{
    Task<Contact?> Find(string accountId, string contactId, CancellationToken ct);

    /// <summary>Creates the contact, or returns the one created before under the same id.</summary>
    Task<Contact> CreateOrGet(Contact contact, CancellationToken ct);

    /// <summary>Writes the contact as it is (last writer wins: for answers such as consent, the latest is right).</summary>
    Task Save(Contact contact, CancellationToken ct);
}

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

    Task<Page<Versioned<Conversation>>> List(string inboxId, ConversationFilter filter, int pageSize, string? continuationToken, CancellationToken ct);

    Task<AssignmentLoad> AssignmentLoad(string inboxId, CancellationToken ct);

    /// <summary>
    /// Messenger conversations, of every inbox, whose 7-day reply window ends in [<paramref name="from"/>,
    /// <paramref name="to"/>) and that the window watch is not done with (not yet marked closed for that end); all
    /// pages read. For <see cref="Channels.Messenger.MessengerWindowWatch"/>.
    /// </summary>
    Task<IReadOnlyList<Versioned<Conversation>>> WindowsClosingBetween(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}

public interface ITicketStore
{
    /// <summary>Creates the ticket, or returns the one created before under the same id.</summary>
    Task<Ticket> CreateOrGet(Ticket ticket, CancellationToken ct);

    Task<Ticket?> Find(string accountId, string ticketId, CancellationToken ct);

    Task<int> CountForContact(string accountId, string contactId, CancellationToken ct);

    /// <summary>The account's tickets, newest first; with <paramref name="inboxIds"/>, only those of these inboxes.</summary>
    Task<Page<Ticket>> List(string accountId, IReadOnlyCollection<string>? inboxIds, int pageSize, string? continuationToken, CancellationToken ct);
}

/// <summary>An e-mail to send (the real sender comes with the e-mail channel).</summary>
public sealed record OutgoingMail(string To, string Subject, string PlainText);

public interface IMailSender
{
    Task Send(OutgoingMail mail, CancellationToken ct);
}

/// <summary>A Slack post that went out, or failed for good (<see cref="Failure"/>: why; not worth trying again).</summary>
public sealed record SlackPostResult(string? Failure)
{
    public static readonly SlackPostResult Sent = new((string?)null);

    public bool IsSent => Failure is null;
}

/// <summary>Posts a line to a Slack incoming webhook.</summary>
public interface ISlackNotifier
{
    /// <returns>Sent, or a permanent failure (Slack refused the post, or the address is not one the app may reach).</returns>
    /// <exception cref="Exception">A transient failure (Slack's 5xx or 429, a timeout, no connection): try again later.</exception>
    Task<SlackPostResult> Post(string webhookUrl, string text, CancellationToken ct);
}
