using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>Who gets a new conversation.</summary>
public static class AssignmentRules
{
    /// <summary>The users a channel's assignment may choose from: named users and team members with a paid seat.</summary>
    public static IReadOnlyList<string> Candidates(Assignment assignment, AccountDirectory directory, Contact? contact)
    {
        if (assignment.Mode is not (AssignmentMode.Specific or AssignmentMode.ContactOwner)) return [];

        // One pass over the directory rather than a search of it per id (an inbox has hundreds of members).
        // The first user with an id decides, as in FindUser; taking an id out makes each user a candidate once.
        var paidSeat = new Dictionary<string, bool>(directory.Users.Count, StringComparer.Ordinal);
        foreach (var user in directory.Users) paidSeat.TryAdd(user.Id, user.HasPaidSeat);

        var candidates = new List<string>();
        if (assignment.Mode == AssignmentMode.ContactOwner)
        {
            if (contact?.OwnerId is { } owner) Take(owner);
        }
        else
        {
            foreach (var id in assignment.UserIds) Take(id);
            foreach (var teamId in assignment.TeamIds)
            {
                foreach (var id in directory.FindTeam(teamId)?.MemberIds ?? []) Take(id);
            }
        }

        // In the order they were named, not sorted: Choose decides by load, then in ordinal order, whatever order it is given.
        return candidates;

        void Take(string id)
        {
            if (paidSeat.Remove(id, out var paid) && paid) candidates.Add(id);
        }
    }

    /// <summary>
    /// Whom an agent may assign a conversation to by hand: a user of the account who is a member of the inbox. A paid seat
    /// is needed only to be assigned by routing: members without one work the conversations they are given by hand.
    /// </summary>
    public static Validation ValidateAssignee(string assigneeId, Inbox inbox, AccountDirectory directory)
    {
        var user = directory.FindUser(assigneeId);
        return new Validation()
            .Check(user is not null, "assigneeId", $"No user '{assigneeId}' in this account.")
            .Check(user is null || inbox.Members.Includes(assigneeId, directory), "assigneeId", "The user is not a member of this inbox.");
    }

    /// <summary>
    /// Available candidates first (everyone, until availability is known); among them the one with the fewest open
    /// conversations; a tie goes to the next after the last one assigned, in a fixed order, so load stays fair.
    /// </summary>
    public static string? Choose(
        IReadOnlyList<string> candidates, Func<string, bool> isAvailable, IReadOnlyDictionary<string, int> openConversations, string? lastAssigned)
    {
        // One pass and no sorting: the fairest available candidate, and the fairest of all for when nobody is available.
        var available = new Fairest(lastAssigned);
        var everyone = new Fairest(lastAssigned);
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var load = openConversations.GetValueOrDefault(candidate);
            everyone.Consider(candidate, load);
            if (isAvailable(candidate)) available.Consider(candidate, load);
        }

        return available.Choice ?? everyone.Choice;
    }

    /// <summary>
    /// Among the candidates with the fewest open conversations, in ordinal order: the first after the last one
    /// assigned, else the first of all (round robin).
    /// </summary>
    private struct Fairest(string? lastAssigned)
    {
        private int fewest = int.MaxValue;
        private string? first;
        private string? next;

        public readonly string? Choice => next ?? first;

        public void Consider(string candidate, int load)
        {
            if (load > fewest) return;
            if (load < fewest) (fewest, first, next) = (load, null, null);
            if (first is null || string.CompareOrdinal(candidate, first) < 0) first = candidate;
            if (lastAssigned is not null && string.CompareOrdinal(candidate, lastAssigned) > 0 &&
                (next is null || string.CompareOrdinal(candidate, next) < 0))
                next = candidate;
        }
    }
}
