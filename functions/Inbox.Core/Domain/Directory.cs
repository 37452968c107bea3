using System.Text.Json.Serialization;

namespace InboxServerless.Core.Domain;

/// <summary>The tenant. Every inbox, user and team belongs to exactly one account.</summary>
public sealed record Account(string Id, string Name);

/// <summary>A person of the account. Only users with a paid seat can be auto-assigned conversations.</summary>
public sealed record User(string Id, string AccountId, string Name, string Email, bool HasPaidSeat, bool IsSuperAdmin)
{
    [JsonIgnore]
    public string FirstName => Name.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? Name;
}

public sealed record Team(string Id, string AccountId, string Name, IReadOnlyList<string> MemberIds);

/// <summary>A user's part of a request to save a user; the id and account come from the route and the caller.</summary>
public sealed record UserSettings(string Name, string Email, bool HasPaidSeat = false, bool IsSuperAdmin = false);

public sealed record TeamSettings(string Name, IReadOnlyList<string> MemberIds);

/// <summary>The users and teams of one account, as the rules need them.</summary>
public sealed record AccountDirectory(IReadOnlyList<User> Users, IReadOnlyList<Team> Teams)
{
    public static readonly AccountDirectory Empty = new([], []);

    public User? FindUser(string id) => Users.FirstOrDefault(u => u.Id == id);
    public Team? FindTeam(string id) => Teams.FirstOrDefault(t => t.Id == id);
}
