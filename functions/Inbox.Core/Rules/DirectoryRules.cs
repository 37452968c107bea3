using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What makes the account's users and teams valid, and the ids that may name them.</summary>
public static class DirectoryRules
{
    public static void CheckUsers(Validation v, string field, IReadOnlyList<string> userIds, AccountDirectory directory)
    {
        foreach (var id in userIds.Where(id => directory.FindUser(id) is null))
            v.Add(field, $"No user '{id}' in this account.");
        v.Check(userIds.Distinct().Count() == userIds.Count, field, "A user is named twice.");
    }

    public static void CheckTeams(Validation v, string field, IReadOnlyList<string> teamIds, AccountDirectory directory)
    {
        foreach (var id in teamIds.Where(id => directory.FindTeam(id) is null))
            v.Add(field, $"No team '{id}' in this account.");
        v.Check(teamIds.Distinct().Count() == teamIds.Count, field, "A team is named twice.");
    }

    public static Validation Validate(UserSettings user)
    {
        var v = new Validation();
        v.Check(user.Name.Trim().Length is > 0 and <= 200, "name", "The name must be 1 to 200 characters.");
        v.CheckCharacters("name", user.Name);
        v.Check(InboxRules.IsEmailAddress(user.Email), "email", "Not an e-mail address.");
        return v;
    }

    public static Validation Validate(TeamSettings team, AccountDirectory directory)
    {
        var v = new Validation();
        v.Check(team.Name.Trim().Length is > 0 and <= 200, "name", "The name must be 1 to 200 characters.");
        v.CheckCharacters("name", team.Name);
        CheckUsers(v, "memberIds", team.MemberIds, directory);
        return v;
    }

    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>
    /// Whether an id from a request can name something the product made (its ids are letters, digits, '-', '_' and '.').
    /// Anything else names nothing, and is not handed to a store, where '/', '\\', '%' or '..' could name another resource.
    /// </summary>
    public static bool CanName(string? id) => id is not null && IsValidId(id) && id.Any(char.IsAsciiLetterOrDigit);
}
