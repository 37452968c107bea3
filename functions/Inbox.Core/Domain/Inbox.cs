using System.Text.Json.Serialization;

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

/// <summary>
/// Where the inbox tells people about conversations nobody could be assigned, as kept on the inbox and shown. The Slack
/// webhook URL is a credential: it lives in the secret store (<see cref="Ports.SecretNames.SlackWebhook"/>), and the
/// inbox knows only whether one is set and its host.
/// </summary>
public sealed record InboxNotifications
{
    public string? FallbackEmail { get; init; }
    public SlackWebhookState Slack { get; init; } = SlackWebhookState.None;
}

/// <summary>Whether the inbox has a Slack webhook, and its host; never the URL.</summary>
public sealed record SlackWebhookState(bool Configured, string? Host)
{
    public static readonly SlackWebhookState None = new(false, null);

    public static SlackWebhookState Of(string url) => new(true, new Uri(url).IdnHost.ToLowerInvariant());
}

/// <summary>
/// The notifications of a create or update. <see cref="SlackWebhookUrl"/> is write-only: never shown. Omitted, the
/// inbox keeps the one it has; <c>null</c> or <c>""</c> removes it.
/// </summary>
public sealed record InboxNotificationSettings
{
    private readonly string? slackWebhookUrl;

    public string? FallbackEmail { get; init; }

    [Json.WriteOnly]
    public string? SlackWebhookUrl
    {
        get => slackWebhookUrl;
        init
        {
            slackWebhookUrl = value;
            SlackWebhookUrlGiven = true;
        }
    }

    /// <summary>The body named <c>slackWebhookUrl</c> (the serializer sets only the fields it reads).</summary>
    [JsonIgnore]
    public bool SlackWebhookUrlGiven { get; private init; }

    /// <summary>The URL to keep in the secret store, when a non-empty one was given.</summary>
    [JsonIgnore]
    public string? NewSlackWebhookUrl => string.IsNullOrEmpty(SlackWebhookUrl) ? null : SlackWebhookUrl;

    /// <summary>These settings as they may be shown: the webhook URL left out.</summary>
    public InboxNotificationSettings WithoutSecret() => new() { FallbackEmail = FallbackEmail };

    /// <summary>What the inbox shows of Slack after this change, given what it showed before.</summary>
    public SlackWebhookState SlackAfter(SlackWebhookState before) =>
        !SlackWebhookUrlGiven ? before : NewSlackWebhookUrl is { } url ? SlackWebhookState.Of(url) : SlackWebhookState.None;
}

/// <summary>What an admin chooses for an inbox; the request body of create and update.</summary>
public sealed record InboxSettings
{
    public required string Name { get; init; }
    public InboxMembers Members { get; init; } = InboxMembers.All;

    /// <summary>IANA time zone the inbox's office hours are kept in.</summary>
    public string TimeZone { get; init; } = "UTC";

    public InboxNotificationSettings Notifications { get; init; } = new();
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
        new(id, accountId, settings.Name.Trim(), settings.Members, settings.TimeZone, Shown(settings.Notifications, SlackWebhookState.None), [], now, now);

    private static InboxNotifications Shown(InboxNotificationSettings settings, SlackWebhookState before) =>
        new() { FallbackEmail = settings.FallbackEmail, Slack = settings.SlackAfter(before) };

    /// <summary>Names are unique within an account as people read them: look-alikes are one name (<see cref="Rules.NameRules.Key"/>).</summary>
    public static string NameKey(string name) => Rules.NameRules.Key(name);

    public Inbox With(InboxSettings settings, DateTimeOffset now) => this with
    {
        Name = settings.Name.Trim(),
        Members = settings.Members,
        TimeZone = settings.TimeZone,
        Notifications = Shown(settings.Notifications, Notifications.Slack),
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
