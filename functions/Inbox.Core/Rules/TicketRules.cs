namespace InboxServerless.Core.Rules;

/// <summary>What limits the tickets routing makes.</summary>
public static class TicketRules
{
    /// <summary>A contact is associated with at most this many tickets.</summary>
    public const int MaxTicketsPerContact = 1_000;

    public static string LimitReachedNote(int limit) =>
        $"No ticket was created: the contact has reached its limit of {limit} associated tickets.";
}
