using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>Which thread an inbound event belongs to, before any lookup.</summary>
public static class ThreadRules
{
    /// <summary>
    /// Messenger: one thread per person and page. Chat: one per visitor session. Forms: every submission is its own.
    /// E-mail: the provider's conversation id when it gives one; otherwise the thread is found through
    /// <c>In-Reply-To</c>/<c>References</c> (see <see cref="EmailReferences"/>), and failing that the message starts one.
    /// </summary>
    public static string ThreadKey(InboundEvent e) => e.Channel switch
    {
        ChannelKind.Messenger => $"messenger:{e.Sender.Id}",
        ChannelKind.Chat => $"chat:{e.Thread.SessionId ?? e.Sender.Id}",
        ChannelKind.Form => $"form:{e.ExternalId}",
        _ => e.Thread.ConversationId is { } conversation ? $"email:conversation:{conversation}" : $"email:message:{e.ExternalId}",
    };

    /// <summary>The earlier messages an e-mail answers, nearest first: its thread is theirs.</summary>
    public static IReadOnlyList<string> EmailReferences(InboundEvent e) =>
        e.Channel != ChannelKind.Email || e.Thread.ConversationId is not null
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

/// <summary>Who gets a new conversation.</summary>
public static class AssignmentRules
{
    /// <summary>The users a channel's assignment may choose from: named users and team members with a paid seat.</summary>
    public static IReadOnlyList<string> Candidates(Assignment assignment, AccountDirectory directory, Contact? contact)
    {
        IEnumerable<string> ids = assignment.Mode switch
        {
            AssignmentMode.Specific => assignment.UserIds.Concat(assignment.TeamIds.SelectMany(t => directory.FindTeam(t)?.MemberIds ?? [])),
            AssignmentMode.ContactOwner when contact?.OwnerId is { } owner => [owner],
            _ => [],
        };
        return [.. ids.Distinct().Where(id => directory.FindUser(id) is { HasPaidSeat: true }).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Available candidates first (everyone, until availability is known); among them the one with the fewest open
    /// conversations; a tie goes to the next after the last one assigned, in a fixed order, so load stays fair.
    /// </summary>
    public static string? Choose(
        IReadOnlyList<string> candidates, Func<string, bool> isAvailable, IReadOnlyDictionary<string, int> openConversations, string? lastAssigned)
    {
        var pool = candidates.Where(isAvailable).ToList();
        if (pool.Count == 0) pool = [.. candidates];
        if (pool.Count == 0) return null;

        var fewest = pool.Min(Load);
        var tied = pool.Where(c => Load(c) == fewest).Order(StringComparer.Ordinal).ToList();
        return tied.FirstOrDefault(c => lastAssigned is not null && string.CompareOrdinal(c, lastAssigned) > 0) ?? tied[0];

        int Load(string user) => openConversations.GetValueOrDefault(user);
    }
}

public static class TicketRules
{
    /// <summary>A contact is associated with at most this many tickets.</summary>
    public const int MaxTicketsPerContact = 1_000;

    public static string LimitReachedNote(int limit) =>
        $"No ticket was created: the contact has reached its limit of {limit} associated tickets.";
}
