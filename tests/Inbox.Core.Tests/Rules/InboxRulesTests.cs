using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class InboxRulesTests
{
    private static Validation Validate(InboxSettings settings) => InboxRules.Validate(settings, AcmeDirectory);

    private static InboxSettings Settings(string name = "Support") => new() { Name = name };

    [Fact]
    public void Defaults_are_valid() => Valid(Validate(Settings()));

    // ---- name ----

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Empty_or_blank_name_is_refused(string name) => InvalidOn(Validate(Settings(name)), "name");

    [Fact]
    public void Name_of_100_characters_is_accepted() => Valid(Validate(Settings(new string('n', 100))));

    [Fact]
    public void Name_of_101_characters_is_refused() => InvalidOn(Validate(Settings(new string('n', 101))), "name");

    [Fact]
    public void Name_length_is_counted_without_surrounding_spaces() =>
        Valid(Validate(Settings("  " + new string('n', 100) + "  ")));

    // ---- members ----

    [Fact]
    public void Everyone_is_valid() => Valid(Validate(Settings() with { Members = InboxMembers.All }));

    [Fact]
    public void Specific_users_and_teams_are_valid() =>
        Valid(Validate(Settings() with { Members = new InboxMembers { UserIds = ["alice", "carol"], TeamIds = ["support"] } }));

    [Fact]
    public void Specific_users_only_are_valid() =>
        Valid(Validate(Settings() with { Members = new InboxMembers { UserIds = ["alice"] } }));

    [Fact]
    public void Specific_teams_only_are_valid() =>
        Valid(Validate(Settings() with { Members = new InboxMembers { TeamIds = ["sales"] } }));

    [Fact]
    public void Everyone_together_with_users_is_refused() =>
        InvalidOn(Validate(Settings() with { Members = new InboxMembers { Everyone = true, UserIds = ["alice"] } }), "members");

    [Fact]
    public void Everyone_together_with_teams_is_refused() =>
        InvalidOn(Validate(Settings() with { Members = new InboxMembers { Everyone = true, TeamIds = ["support"] } }), "members");

    [Fact]
    public void Neither_everyone_nor_anybody_is_refused() =>
        InvalidOn(Validate(Settings() with { Members = new InboxMembers { Everyone = false } }), "members");

    [Fact]
    public void Unknown_user_is_refused() =>
        InvalidOn(Validate(Settings() with { Members = new InboxMembers { UserIds = ["alice", "mallory"] } }), "members.userIds");

    [Fact]
    public void User_of_another_account_is_refused()
    {
        var directory = new AccountDirectory([Alice], []);
        var settings = Settings() with { Members = new InboxMembers { UserIds = ["bob"] } };
        InvalidOn(InboxRules.Validate(settings, directory), "members.userIds");
    }

    [Fact]
    public void Unknown_team_is_refused() =>
        InvalidOn(Validate(Settings() with { Members = new InboxMembers { TeamIds = ["ghosts"] } }), "members.teamIds");

    [Fact]
    public void Duplicate_user_is_refused() =>
        InvalidOn(Validate(Settings() with { Members = new InboxMembers { UserIds = ["alice", "alice"] } }), "members.userIds");

    [Fact]
    public void Duplicate_team_is_refused() =>
        InvalidOn(Validate(Settings() with { Members = new InboxMembers { TeamIds = ["sales", "sales"] } }), "members.teamIds");

    // ---- time zone ----

    [Theory]
    [InlineData("Europe/Paris")]
    [InlineData("America/New_York")]
    [InlineData("UTC")]
    [InlineData("Asia/Kolkata")]
    public void IANA_time_zone_is_accepted(string zone) => Valid(Validate(Settings() with { TimeZone = zone }));

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Pacific Standard Time")]
    [InlineData("Romance Standard Time")]
    public void Unknown_blank_or_Windows_time_zone_is_refused(string zone) =>
        InvalidOn(Validate(Settings() with { TimeZone = zone }), "timeZone");

    // ---- notifications ----

    [Theory]
    [InlineData("alerts@acme.com")]
    [InlineData("first.last+inbox@mail.acme.co.uk")]
    public void Fallback_email_address_is_accepted(string address) =>
        Valid(Validate(Settings() with { Notifications = new InboxNotificationSettings { FallbackEmail = address } }));

    [Theory]
    [InlineData("")]
    [InlineData("not-an-address")]
    [InlineData("alerts@localhost")]
    [InlineData("Alerts <alerts@acme.com>")]
    [InlineData("alerts@@acme.com")]
    public void Fallback_email_that_is_not_an_address_is_refused(string address) =>
        InvalidOn(Validate(Settings() with { Notifications = new InboxNotificationSettings { FallbackEmail = address } }),
            "notifications.fallbackEmail");

    [Fact]
    public void Fallback_email_longer_than_254_characters_is_refused() =>
        InvalidOn(Validate(Settings() with
        {
            Notifications = new InboxNotificationSettings { FallbackEmail = new string('a', 64) + "@" + new string('b', 186) + ".com" },
        }), "notifications.fallbackEmail");

    [Fact]
    public void Slack_webhook_over_https_is_accepted() =>
        Valid(Validate(Settings() with
        {
            Notifications = new InboxNotificationSettings { SlackWebhookUrl = "https://hooks.slack.com/services/T000/B000/XXXX" },
        }));

    [Theory]
    [InlineData("https://HOOKS.slack.com/services/T000/B000/XXXX")]
    [InlineData("https://hooks.slack.com:443/services/T000/B000/XXXX")]
    public void Slack_webhook_on_slacks_host_in_any_case_and_its_default_port_is_accepted(string url) =>
        Valid(Validate(Settings() with { Notifications = new InboxNotificationSettings { SlackWebhookUrl = url } }));

    [Theory]
    [InlineData("http://hooks.slack.com/services/T000/B000/XXXX")]
    [InlineData("ftp://hooks.slack.com/x")]
    [InlineData("hooks.slack.com/services/T000")]
    [InlineData("/services/T000")]
    [InlineData(" ")]
    // Only Slack's incoming-webhook host: anything else would make the app connect where an admin points it.
    [InlineData("https://127.0.0.1:7394/x")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://localhost/services/T000/B000/XXXX")]
    [InlineData("https://hooks.slack.com.evil.test/services/T000/B000/XXXX")]
    [InlineData("https://evil.test/hooks.slack.com/services/T000")]
    [InlineData("https://user:pass@hooks.slack.com/services/T000/B000/XXXX")]
    [InlineData("https://hooks.slack.com@evil.test/services/T000/B000/XXXX")]
    [InlineData("https://hooks.slack.com:8443/services/T000/B000/XXXX")]
    [InlineData("https://hooks.slack.com/api/other")]
    [InlineData("https://hooks.slack.com/services/")]
    [InlineData("https://[::1]/services/T000/B000/XXXX")]
    public void Slack_webhook_that_is_not_a_slack_incoming_webhook_is_refused(string url) =>
        InvalidOn(Validate(Settings() with { Notifications = new InboxNotificationSettings { SlackWebhookUrl = url } }),
            "notifications.slackWebhookUrl");

    [Fact]
    public void Every_offending_field_is_reported()
    {
        var settings = new InboxSettings
        {
            Name = "",
            Members = new InboxMembers(),
            TimeZone = "Mars/Olympus",
            Notifications = new InboxNotificationSettings { FallbackEmail = "x", SlackWebhookUrl = "http://x" },
        };

        var fields = Validate(settings).Errors.Select(e => e.Field).ToHashSet();

        Assert.Equal(
            new HashSet<string> { "name", "members", "timeZone", "notifications.fallbackEmail", "notifications.slackWebhookUrl" },
            fields);
    }
}
