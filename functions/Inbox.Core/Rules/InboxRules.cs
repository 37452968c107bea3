using System.Net.Mail;
using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What makes an inbox's settings valid.</summary>
public static class InboxRules
{
    public const int MaxNameLength = 100;

    public static Validation Validate(InboxSettings settings, AccountDirectory directory)
    {
        var v = new Validation();
        var name = settings.Name.Trim();
        // A name of format characters only is as empty as one of spaces.
        v.Check(name.Length > 0 && Inbox.NameKey(name).Length > 0, "name", "The name must not be empty.");
        v.CheckCharacters("name", settings.Name);
        v.Check(name.Length <= MaxNameLength, "name", $"The name must be at most {MaxNameLength} characters.");
        ValidateMembers(v, settings.Members, directory);
        v.Check(IsTimeZone(settings.TimeZone), "timeZone", $"'{settings.TimeZone}' is not an IANA time zone.");
        var fallback = settings.Notifications.FallbackEmail;
        v.Check(fallback is null || IsEmailAddress(fallback), "notifications.fallbackEmail", "Not an e-mail address.");
        var slack = settings.Notifications.SlackWebhookUrl;
        // null or "" removes the webhook.
        v.Check(string.IsNullOrEmpty(slack) || IsSlackWebhookUrl(slack), "notifications.slackWebhookUrl",
            $"Must be a Slack incoming webhook: https://{SlackWebhookHost}/services/….");
        return v;
    }

    private static void ValidateMembers(Validation v, InboxMembers members, AccountDirectory directory)
    {
        if (members.Everyone)
        {
            v.Check(members.UserIds.Count == 0 && members.TeamIds.Count == 0, "members",
                "Either everyone or specific users and teams, not both.");
            return;
        }

        v.Check(members.UserIds.Count + members.TeamIds.Count > 0, "members", "Name at least one user or team, or choose everyone.");
        DirectoryRules.CheckUsers(v, "members.userIds", members.UserIds, directory);
        DirectoryRules.CheckTeams(v, "members.teamIds", members.TeamIds, directory);
    }

    public static bool IsTimeZone(string id)
    {
        // Windows ids resolve too (without an IANA id); the product speaks IANA only.
        return !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;
    }

    public static bool IsEmailAddress(string value) =>
        value.Length <= 254 && MailAddress.TryCreate(value.Trim(), out var address) && address.Address == value.Trim() &&
        address.Host.Contains('.');

    /// <summary>The one host a Slack incoming webhook lives on.</summary>
    public const string SlackWebhookHost = "hooks.slack.com";

    /// <summary>
    /// Slack's incoming webhooks only (<c>https://hooks.slack.com/services/…</c>, no user info, default port): the app
    /// posts to this URL, so any other host would let an admin make it connect anywhere (server-side request forgery).
    /// The outbound guard checks the address again at connect time.
    /// </summary>
    public static bool IsSlackWebhookUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps &&
        uri.IdnHost.Equals(SlackWebhookHost, StringComparison.OrdinalIgnoreCase) && uri.UserInfo.Length == 0 &&
        uri.IsDefaultPort && uri.AbsolutePath.StartsWith("/services/", StringComparison.Ordinal) &&
        uri.AbsolutePath.Length > "/services/".Length;

    public static bool IsHttpsUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
