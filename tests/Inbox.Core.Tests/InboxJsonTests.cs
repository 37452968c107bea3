using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests;

/// <summary>Request bodies as the API reads them with <see cref="InboxJson.Api"/>.</summary>
public class InboxJsonTests
{
    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, InboxJson.Api)!;

    private static string Write<T>(T value) => JsonSerializer.Serialize(value, InboxJson.Api);

    private static void Refused<T>(string json) => Assert.Throws<JsonException>(() => Read<T>(json));

    /// <summary>Reading, writing and reading again gives the same document.</summary>
    private static T RoundTrips<T>(string json)
    {
        var first = Read<T>(json);
        var written = Write(first);
        Assert.Equal(written, Write(Read<T>(written)));
        return first;
    }

    // ---- InboxSettings ----

    private const string FullInbox = """
        {
          "name": "Support",
          "members": { "everyone": false, "userIds": ["alice"], "teamIds": ["sales"] },
          "timeZone": "Europe/Paris",
          "notifications": { "fallbackEmail": "alerts@acme.com", "slackWebhookUrl": "https://hooks.slack.com/x" }
        }
        """;

    [Fact]
    public void Inbox_settings_round_trip()
    {
        var settings = RoundTrips<InboxSettings>(FullInbox);

        Assert.Equal("Support", settings.Name);
        Assert.False(settings.Members.Everyone);
        Assert.Equal(["alice"], settings.Members.UserIds);
        Assert.Equal(["sales"], settings.Members.TeamIds);
        Assert.Equal("Europe/Paris", settings.TimeZone);
        Assert.Equal("alerts@acme.com", settings.Notifications.FallbackEmail);
        Assert.Equal("https://hooks.slack.com/x", settings.Notifications.SlackWebhookUrl);
    }

    [Theory]
    [InlineData("""{ "name": "S", "notifications": { "fallbackEmail": "a@b.com" } }""", false, null)]
    [InlineData("""{ "name": "S" }""", false, null)]
    [InlineData("""{ "name": "S", "notifications": { "slackWebhookUrl": null } }""", true, null)]
    [InlineData("""{ "name": "S", "notifications": { "slackWebhookUrl": "" } }""", true, null)]
    [InlineData("""{ "name": "S", "notifications": { "slackWebhookUrl": "https://hooks.slack.com/services/T/B/X" } }""", true, "hooks.slack.com")]
    public void The_slack_webhook_omitted_is_kept_and_null_or_empty_removes_it(string json, bool given, string? host)
    {
        var notifications = Read<InboxSettings>(json).Notifications;
        var before = SlackWebhookState.Of("https://hooks.slack.com/services/OLD/OLD/OLD");

        Assert.Equal(given, notifications.SlackWebhookUrlGiven);
        var after = notifications.SlackAfter(before);
        Assert.Equal(given ? host : "hooks.slack.com", after.Host);
        Assert.Equal(!given || host is not null, after.Configured);
    }

    [Fact]
    public void An_inbox_written_out_has_no_slack_url_only_whether_one_is_set_and_its_host()
    {
        var settings = Read<InboxSettings>("""{ "name": "S", "notifications": { "slackWebhookUrl": "https://hooks.slack.com/services/T/B/SECRET" } }""");

        var json = Write(Inbox.Create("i1", "acme", settings, DateTimeOffset.UnixEpoch));

        Assert.DoesNotContain("SECRET", json);
        Assert.Contains("\"slack\":{\"configured\":true,\"host\":\"hooks.slack.com\"}", json);
    }

    [Fact]
    public void Inbox_settings_name_alone_takes_the_defaults()
    {
        var settings = Read<InboxSettings>("""{ "name": "Support" }""");

        Assert.True(settings.Members.Everyone);
        Assert.Equal("UTC", settings.TimeZone);
        Assert.Null(settings.Notifications.FallbackEmail);
    }

    [Fact]
    public void Inbox_settings_are_written_in_camel_case_without_nulls() =>
        Assert.Equal(
            """{"name":"Support","members":{"everyone":true,"userIds":[],"teamIds":[]},"timeZone":"UTC","notifications":{}}""",
            Write(new InboxSettings { Name = "Support" }));

    [Theory]
    [InlineData("""{ "name": """)]
    [InlineData("""{ "name": "Support", }""")]
    [InlineData("""{ "name": "Support" } trailing""")]
    [InlineData("""{ name: "Support" }""")]
    [InlineData("""{ "name": "Support" /* comment */ }""")]
    [InlineData("")]
    public void Malformed_inbox_json_is_refused(string json) => Refused<InboxSettings>(json);

    [Theory]
    [InlineData("""{ "name": 5 }""")]
    [InlineData("""{ "name": ["Support"] }""")]
    [InlineData("""{ "name": "Support", "members": true }""")]
    [InlineData("""{ "name": "Support", "members": { "everyone": "yes" } }""")]
    [InlineData("""{ "name": "Support", "members": { "userIds": "alice" } }""")]
    [InlineData("""{ "name": "Support", "timeZone": 1 }""")]
    [InlineData("[]")]
    public void Inbox_json_of_the_wrong_type_is_refused(string json) => Refused<InboxSettings>(json);

    [Theory]
    [InlineData("""{ "name": "Support", "colour": "red" }""")]
    [InlineData("""{ "name": "Support", "members": { "everybody": true } }""")]
    [InlineData("""{ "name": "Support", "notifications": { "teams": "x" } }""")]
    [InlineData("""{ "name": "Support", "id": "inbox-1" }""")]
    public void Unknown_inbox_field_is_refused(string json) => Refused<InboxSettings>(json);

    [Fact]
    public void Inbox_without_name_is_refused() => Refused<InboxSettings>("""{ "timeZone": "UTC" }""");

    [Theory]
    [InlineData("""{ "name": null }""")]
    [InlineData("""{ "name": "Support", "members": null }""")]
    [InlineData("""{ "name": "Support", "timeZone": null }""")]
    [InlineData("""{ "name": "Support", "notifications": null }""")]
    [InlineData("""{ "name": "Support", "members": { "userIds": null } }""")]
    public void Null_where_none_is_allowed_is_refused(string json) => Refused<InboxSettings>(json);

    /// <summary>System.Text.Json does not enforce nullability of list elements; the rules refuse the unknown id instead.</summary>
    [Fact]
    public void Null_id_in_a_list_passes_json_but_not_validation()
    {
        var settings = Read<InboxSettings>("""{ "name": "Support", "members": { "userIds": [null] } }""");

        Assertions.InvalidOn(InboxRules.Validate(settings, TestData.AcmeDirectory), "members.userIds");
    }

    [Fact]
    public void Null_for_optional_notification_is_accepted() =>
        Assert.Null(Read<InboxSettings>("""{ "name": "Support", "notifications": { "fallbackEmail": null } }""").Notifications.FallbackEmail);

    // ---- ChannelSettings ----

    private const string EmailBody = """
        {
          "kind": "email",
          "provider": "gmail",
          "address": "help@acme.com",
          "fromName": { "format": "companyOnly", "companyName": "Acme" },
          "signature": "<p>{{fullName}}</p>",
          "logForwardedEmailToOriginalSender": true,
          "routing": {
            "assignment": { "mode": "specific", "userIds": ["alice"], "teamIds": ["support"] },
            "tickets": { "pipeline": "support", "status": "new", "priority": "high", "ownerId": "bob" },
            "createContacts": false
          }
        }
        """;

    private const string ChatBody = """
        {
          "kind": "chat",
          "accentColor": "#112233",
          "header": { "mode": "contactOwner", "fallback": "custom", "name": "Acme", "avatarUrl": "https://cdn.acme.com/a.png" },
          "welcomeMessage": "Hi!",
          "openWelcomeMessageAsPrompt": true,
          "availability": {
            "mode": "officeHours",
            "officeHours": [ { "day": "monday", "start": "09:00", "end": "17:30" }, { "day": "friday", "start": "22:00", "end": "00:00" } ],
            "typicalReplyTime": "fewMinutes",
            "outsideHours": "awayMessage",
            "awayMessage": "Back at nine."
          },
          "placement": "left",
          "transcript": { "enabled": true, "fromEmailChannelId": "email-1" }
        }
        """;

    private const string MessengerBody = """
        {
          "kind": "messenger",
          "pageId": "1234567890",
          "pageName": "Acme",
          "greeting": "Hello",
          "instantReply": { "enabled": true, "text": "Thanks!" },
          "consent": { "mode": "explicit", "text": "May we?" }
        }
        """;

    private const string FormBody = """{ "kind": "form", "formId": "contact-form" }""";

    [Fact]
    public void Email_channel_round_trips()
    {
        var email = Assert.IsType<EmailChannel>(RoundTrips<ChannelSettings>(EmailBody));

        Assert.Equal(ChannelKind.Email, email.Kind);
        Assert.Equal(EmailProvider.Gmail, email.Provider);
        Assert.Equal("help@acme.com", email.Address);
        Assert.Equal(new FromName { Format = FromNameFormat.CompanyOnly, CompanyName = "Acme" }, email.FromName);
        Assert.Equal("<p>{{fullName}}</p>", email.Signature);
        Assert.True(email.LogForwardedEmailToOriginalSender);
        Assert.Equal(AssignmentMode.Specific, email.Routing.Assignment.Mode);
        Assert.Equal(["alice"], email.Routing.Assignment.UserIds);
        Assert.Equal(["support"], email.Routing.Assignment.TeamIds);
        Assert.Equal(new TicketDefaults { Pipeline = "support", Status = "new", Priority = TicketPriority.High, OwnerId = "bob" },
            email.Routing.Tickets);
        Assert.False(email.Routing.CreateContacts);
    }

    [Fact]
    public void Chat_channel_round_trips()
    {
        var chat = Assert.IsType<ChatChannel>(RoundTrips<ChannelSettings>(ChatBody));

        Assert.Equal("#112233", chat.AccentColor);
        Assert.Equal(ChatHeaderMode.ContactOwner, chat.Header.Mode);
        Assert.Equal(ChatHeaderMode.Custom, chat.Header.Fallback);
        Assert.True(chat.OpenWelcomeMessageAsPrompt);
        Assert.Equal(AvailabilityMode.OfficeHours, chat.Availability.Mode);
        Assert.Equal(
            [new OpeningHours(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 30)),
             new OpeningHours(DayOfWeek.Friday, new TimeOnly(22, 0), TimeOnly.MinValue)],
            chat.Availability.OfficeHours);
        Assert.Equal(TypicalReplyTime.FewMinutes, chat.Availability.TypicalReplyTime);
        Assert.Equal("Back at nine.", chat.Availability.AwayMessage);
        Assert.Equal(WidgetPlacement.Left, chat.Placement);
        Assert.Equal(new ChatTranscript { Enabled = true, FromEmailChannelId = "email-1" }, chat.Transcript);
    }

    [Fact]
    public void Messenger_channel_round_trips()
    {
        var messenger = Assert.IsType<MessengerChannel>(RoundTrips<ChannelSettings>(MessengerBody));

        Assert.Equal("1234567890", messenger.PageId);
        Assert.Equal("Acme", messenger.PageName);
        Assert.Equal("Hello", messenger.Greeting);
        Assert.Equal(new InstantReply { Enabled = true, Text = "Thanks!" }, messenger.InstantReply);
        Assert.Equal(new MessengerConsent { Mode = ConsentMode.Explicit, Text = "May we?" }, messenger.Consent);
    }

    [Fact]
    public void Form_channel_round_trips()
    {
        var form = Assert.IsType<FormChannel>(RoundTrips<ChannelSettings>(FormBody));

        Assert.Equal("contact-form", form.FormId);
        Assert.Equal(new Routing().Assignment, form.Routing.Assignment);
    }

    [Fact]
    public void Channel_is_written_with_its_kind_first() =>
        Assert.StartsWith("""{"kind":"form","formId":"contact-form",""", Write<ChannelSettings>(Read<ChannelSettings>(FormBody)));

    [Fact]
    public void Each_channel_is_written_with_its_own_kind()
    {
        Assert.StartsWith("""{"kind":"email",""", Write<ChannelSettings>(TestData.Email()));
        Assert.StartsWith("""{"kind":"chat",""", Write<ChannelSettings>(TestData.Chat()));
        Assert.StartsWith("""{"kind":"messenger",""", Write<ChannelSettings>(TestData.Messenger()));
        Assert.StartsWith("""{"kind":"form",""", Write<ChannelSettings>(TestData.Form()));
    }

    [Fact]
    public void Kind_may_come_anywhere_in_the_object()
    {
        var email = Read<ChannelSettings>("""
            { "provider": "gmail", "address": "help@acme.com", "fromName": { "companyName": "Acme" }, "kind": "email" }
            """);

        Assert.Equal("help@acme.com", Assert.IsType<EmailChannel>(email).Address);
        Assert.IsType<FormChannel>(Read<ChannelSettings>("""{ "formId": "f", "kind": "form" }"""));
    }

    [Theory]
    [InlineData("""{ "kind": "imap", "address": "help@acme.com" }""")]
    [InlineData("""{ "kind": "Email", "provider": "gmail", "address": "help@acme.com", "fromName": { "companyName": "Acme" } }""")]
    [InlineData("""{ "kind": "", "formId": "f" }""")]
    [InlineData("""{ "kind": 0, "formId": "f" }""")]
    [InlineData("""{ "kind": null, "formId": "f" }""")]
    [InlineData("""{ "kind": "form", "kind": "form", "formId": "f" }""")]
    public void Unknown_or_invalid_kind_is_refused(string json) => Refused<ChannelSettings>(json);

    /// <summary>
    /// System.Text.Json reports a missing discriminator on an abstract type as <see cref="NotSupportedException"/>, not
    /// <see cref="JsonException"/>: whoever reads request bodies must turn both into a 400.
    /// </summary>
    [Fact]
    public void Channel_without_kind_is_refused() =>
        Assert.Throws<NotSupportedException>(() => Read<ChannelSettings>("""{ "formId": "f" }"""));

    [Theory]
    [InlineData("""{ "kind": "email", "provider": "gmail", "fromName": { "companyName": "Acme" } }""")]
    [InlineData("""{ "kind": "email", "address": "help@acme.com", "fromName": { "companyName": "Acme" } }""")]
    [InlineData("""{ "kind": "email", "provider": "gmail", "address": "help@acme.com", "fromName": { } }""")]
    [InlineData("""{ "kind": "chat" }""")]
    [InlineData("""{ "kind": "messenger", "pageName": "Acme" }""")]
    [InlineData("""{ "kind": "messenger", "pageId": "1" }""")]
    [InlineData("""{ "kind": "form" }""")]
    [InlineData("""{ "kind": "form", "formId": "f", "routing": { "tickets": { "pipeline": "p" } } }""")]
    public void Channel_missing_a_required_field_is_refused(string json) => Refused<ChannelSettings>(json);

    [Theory]
    [InlineData("""{ "kind": "email", "provider": "imap", "address": "help@acme.com", "fromName": { "companyName": "Acme" } }""")]
    [InlineData("""{ "kind": "email", "provider": 0, "address": "help@acme.com", "fromName": { "companyName": "Acme" } }""")]
    [InlineData("""{ "kind": "email", "provider": "gmail", "address": "help@acme.com", "fromName": { "format": "agentOnly", "companyName": "Acme" } }""")]
    [InlineData("""{ "kind": "chat", "welcomeMessage": "Hi", "placement": "top" }""")]
    [InlineData("""{ "kind": "form", "formId": "f", "routing": { "assignment": { "mode": "roundRobin" } } }""")]
    [InlineData("""{ "kind": "form", "formId": "f", "routing": { "tickets": { "pipeline": "p", "status": "s", "priority": "critical" } } }""")]
    public void Unknown_enum_value_is_refused(string json) => Refused<ChannelSettings>(json);

    [Theory]
    [InlineData("""{ "kind": "email", "provider": "gmail", "address": 42, "fromName": { "companyName": "Acme" } }""")]
    [InlineData("""{ "kind": "chat", "welcomeMessage": ["Hi"] }""")]
    [InlineData("""{ "kind": "chat", "welcomeMessage": "Hi", "transcript": { "enabled": "true" } }""")]
    [InlineData("""{ "kind": "messenger", "pageId": 1234567890, "pageName": "Acme" }""")]
    [InlineData("""{ "kind": "form", "formId": "f", "routing": { "createContacts": 1 } }""")]
    [InlineData("""{ "kind": "form", "formId": "f", "routing": "off" }""")]
    public void Channel_field_of_the_wrong_type_is_refused(string json) => Refused<ChannelSettings>(json);

    [Theory]
    [InlineData("""{ "kind": "form", "formId": "f", "colour": "red" }""")]
    [InlineData("""{ "kind": "form", "formId": "f", "routing": { "roundRobin": true } }""")]
    [InlineData("""{ "kind": "email", "provider": "gmail", "address": "help@acme.com", "fromName": { "companyName": "Acme", "name": "x" } }""")]
    [InlineData("""{ "kind": "chat", "welcomeMessage": "Hi", "header": { "mode": "custom", "name": "Acme", "title": "x" } }""")]
    [InlineData("""{ "kind": "messenger", "pageId": "1", "pageName": "Acme", "address": "help@acme.com" }""")]
    [InlineData("""{ "kind": "form", "formId": "f", "id": "channel-1" }""")]
    public void Unknown_channel_field_is_refused(string json) => Refused<ChannelSettings>(json);

    [Theory]
    [InlineData("""{ "kind": "email", "provider": "gmail", "address": null, "fromName": { "companyName": "Acme" } }""")]
    [InlineData("""{ "kind": "email", "provider": "gmail", "address": "help@acme.com", "fromName": { "companyName": "Acme" }, "signature": null }""")]
    [InlineData("""{ "kind": "email", "provider": null, "address": "help@acme.com", "fromName": { "companyName": "Acme" } }""")]
    [InlineData("""{ "kind": "chat", "welcomeMessage": "Hi", "accentColor": null }""")]
    [InlineData("""{ "kind": "chat", "welcomeMessage": "Hi", "header": null }""")]
    [InlineData("""{ "kind": "form", "formId": "f", "routing": null }""")]
    [InlineData("""{ "kind": "form", "formId": null }""")]
    public void Channel_null_where_none_is_allowed_is_refused(string json) => Refused<ChannelSettings>(json);

    [Theory]
    [InlineData("""{ "kind": "form", "formId": """)]
    [InlineData("""{ "kind": "form" "formId": "f" }""")]
    [InlineData("""{ "kind": "form", "formId": "f" }}""")]
    public void Malformed_channel_json_is_refused(string json) => Refused<ChannelSettings>(json);

    [Fact]
    public void Optional_channel_fields_may_be_null()
    {
        var chat = Assert.IsType<ChatChannel>(Read<ChannelSettings>("""
            { "kind": "chat", "welcomeMessage": "Hi", "header": { "mode": "custom", "name": "Acme", "avatarUrl": null, "fallback": null },
              "availability": { "awayMessage": null }, "transcript": { "fromEmailChannelId": null }, "routing": { "tickets": null } }
            """));

        Assert.Null(chat.Header.AvatarUrl);
        Assert.Null(chat.Header.Fallback);
        Assert.Null(chat.Routing.Tickets);
    }

    // ---- opening hours (TimeOnly) ----

    private static OpeningHours ReadHours(string start, string end) =>
        Read<OpeningHours>($$"""{ "day": "monday", "start": "{{start}}", "end": "{{end}}" }""");

    [Theory]
    [InlineData("09:00", 9, 0, 0)]
    [InlineData("09:00:00", 9, 0, 0)]
    [InlineData("17:30", 17, 30, 0)]
    [InlineData("23:59:59", 23, 59, 59)]
    [InlineData("00:00", 0, 0, 0)]
    [InlineData("9:00", 9, 0, 0)]
    public void Opening_hours_accept_hh_mm_with_optional_seconds(string text, int hour, int minute, int second) =>
        Assert.Equal(new TimeOnly(hour, minute, second), ReadHours(text, "23:59:59").Start);

    [Theory]
    [InlineData("24:00")]
    [InlineData("0900")]
    [InlineData("9")]
    [InlineData("09:00Z")]
    [InlineData("09:00+01:00")]
    [InlineData("T09:00")]
    [InlineData("9am")]
    [InlineData("")]
    public void Opening_hours_refuse_other_time_formats(string text) =>
        Assert.Throws<JsonException>(() => ReadHours(text, "17:00"));

    [Fact]
    public void Opening_hours_refuse_a_number_for_a_time() =>
        Refused<OpeningHours>("""{ "day": "monday", "start": 900, "end": "17:00" }""");

    [Fact]
    public void Opening_hours_are_written_as_hh_mm_ss() =>
        Assert.Equal("""{"day":"monday","start":"09:00:00","end":"00:00:00"}""",
            Write(new OpeningHours(DayOfWeek.Monday, new TimeOnly(9, 0), TimeOnly.MinValue)));

    [Theory]
    [InlineData("""{ "start": "09:00", "end": "17:00" }""")]
    [InlineData("""{ "day": "monday", "end": "17:00" }""")]
    [InlineData("""{ "day": "monday", "start": "09:00" }""")]
    [InlineData("""{ "day": "funday", "start": "09:00", "end": "17:00" }""")]
    [InlineData("""{ "day": 1, "start": "09:00", "end": "17:00" }""")]
    [InlineData("""{ "day": "monday", "start": null, "end": "17:00" }""")]
    [InlineData("""{ "day": "monday", "start": "09:00", "end": "17:00", "timeZone": "UTC" }""")]
    public void Opening_hours_missing_or_invalid_fields_are_refused(string json) => Refused<OpeningHours>(json);
}
