namespace InboxServerless.Core.Domain;

/// <summary>Who belongs to an inbox: everyone in the account, or specific users and teams.</summary>
public sealed record InboxMembers
{
    public bool Everyone { get; init; }
    public IReadOnlyList<string> UserIds { get; init; } = [];
    public IReadOnlyList<string> TeamIds { get; init; } = [];

    public static readonly InboxMembers All = new() { Everyone = true };

    public bool Includes(string userId, AccountDirectory directory) =>
        Everyone || UserIds.Contains(userId) ||
        TeamIds.Any(t => directory.FindTeam(t)?.MemberIds.Contains(userId) == true);
}

/// <summary>Where the inbox tells people about conversations nobody could be assigned.</summary>
public sealed record InboxNotifications
{
    public string? FallbackEmail { get; init; }
    public string? SlackWebhookUrl { get; init; }
}

/// <summary>What an admin chooses for an inbox; the request body of create and update.</summary>
public sealed record InboxSettings
{
    public required string Name { get; init; }
    public InboxMembers Members { get; init; } = InboxMembers.All;

    /// <summary>IANA time zone the inbox's office hours are kept in.</summary>
    public string TimeZone { get; init; } = "UTC";

    public InboxNotifications Notifications { get; init; } = new();
}

/// <summary>A shared inbox of one account, with the channels connected to it.</summary>
public sealed record Inbox(
    string Id,
    string AccountId,
    string Name,
    InboxMembers Members,
    string TimeZone,
    InboxNotifications Notifications,
    IReadOnlyList<Channel> Channels,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static Inbox Create(string id, string accountId, InboxSettings settings, DateTimeOffset now) =>
        new(id, accountId, settings.Name.Trim(), settings.Members, settings.TimeZone, settings.Notifications, [], now, now);

    /// <summary>Names are unique within an account as people read them: look-alikes are one name (<see cref="Rules.NameRules.Key"/>).</summary>
    public static string NameKey(string name) => Rules.NameRules.Key(name);

    public Inbox With(InboxSettings settings, DateTimeOffset now) => this with
    {
        Name = settings.Name.Trim(),
        Members = settings.Members,
        TimeZone = settings.TimeZone,
        Notifications = settings.Notifications,
        UpdatedAt = now,
    };

    public Channel? FindChannel(string channelId) => Channels.FirstOrDefault(c => c.Id == channelId);

    public Inbox WithChannel(Channel channel, DateTimeOffset now) => this with
    {
        Channels = [.. Channels.Where(c => c.Id != channel.Id), channel],
        UpdatedAt = now,
    };

    public Inbox WithoutChannel(string channelId, DateTimeOffset now) => this with
    {
        Channels = [.. Channels.Where(c => c.Id != channelId)],
        UpdatedAt = now,
    };
}
