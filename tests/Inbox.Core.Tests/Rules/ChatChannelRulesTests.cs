using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class ChatChannelRulesTests
{
    private static Validation Validate(ChatChannel chat, Inbox? inbox = null) =>
        ChannelRules.Validate(chat, ChatChannelId, inbox ?? AnInbox(), AcmeDirectory);

    private static readonly OpeningHours NineToFive = new(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0));

    private static ChatChannel WithAvailability(ChatAvailability availability) => Chat() with { Availability = availability };

    private static ChatChannel WithHeader(ChatHeader header) => Chat() with { Header = header };

    [Fact]
    public void Defaults_are_valid() => Valid(Validate(Chat()));

    // ---- accent colour ----

    [Theory]
    [InlineData("#425B76")]
    [InlineData("#000000")]
    [InlineData("#ffffff")]
    [InlineData("#aBc123")]
    public void Accent_colour_RRGGBB_is_accepted(string colour) => Valid(Validate(Chat() with { AccentColor = colour }));

    [Theory]
    [InlineData("red")]
    [InlineData("#FFF")]
    [InlineData("#GGGGGG")]
    [InlineData("425B76")]
    [InlineData("#425B760")]
    [InlineData("#425B76FF")]
    [InlineData("")]
    [InlineData(" #425B76")]
    [InlineData("#425B76\n")]
    public void Accent_colour_other_than_RRGGBB_is_refused(string colour) =>
        InvalidOn(Validate(Chat() with { AccentColor = colour }), "accentColor");

    // ---- welcome message ----

    [Fact]
    public void Welcome_message_of_the_maximum_length_is_accepted() =>
        Valid(Validate(Chat() with { WelcomeMessage = new string('w', ChatChannelRules.MaxWelcomeMessageLength) }));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_welcome_message_is_refused(string message) =>
        InvalidOn(Validate(Chat() with { WelcomeMessage = message }), "welcomeMessage");

    [Fact]
    public void Welcome_message_over_the_maximum_length_is_refused() =>
        InvalidOn(Validate(Chat() with { WelcomeMessage = new string('w', ChatChannelRules.MaxWelcomeMessageLength + 1) }), "welcomeMessage");

    // ---- header ----

    [Fact]
    public void Specific_users_header_is_valid() =>
        Valid(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.SpecificUsers, UserIds = ["alice", "carol"] })));

    [Fact]
    public void Specific_users_header_needs_users() =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.SpecificUsers })), "header.userIds");

    [Fact]
    public void Specific_users_header_refuses_unknown_user() =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.SpecificUsers, UserIds = ["mallory"] })), "header.userIds");

    [Fact]
    public void Specific_users_header_refuses_user_named_twice() =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.SpecificUsers, UserIds = ["bob", "bob"] })), "header.userIds");

    [Fact]
    public void Custom_header_with_name_and_https_avatar_is_valid() =>
        Valid(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.Custom, Name = "Acme", AvatarUrl = "https://cdn.acme.com/a.png" })));

    [Fact]
    public void Custom_header_name_of_100_characters_is_accepted() =>
        Valid(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.Custom, Name = new string('h', 100) })));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Custom_header_needs_a_name(string? name) =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.Custom, Name = name })), "header.name");

    [Fact]
    public void Custom_header_name_over_100_characters_is_refused() =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.Custom, Name = new string('h', 101) })), "header.name");

    [Theory]
    [InlineData("http://cdn.acme.com/a.png")]
    [InlineData("cdn.acme.com/a.png")]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("")]
    public void Custom_header_avatar_must_be_absolute_https(string url) =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.Custom, Name = "Acme", AvatarUrl = url })), "header.avatarUrl");

    [Fact]
    public void Contact_owner_header_with_custom_fallback_is_valid() =>
        Valid(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.ContactOwner, Fallback = ChatHeaderMode.Custom, Name = "Acme" })));

    [Fact]
    public void Contact_owner_header_with_specific_users_fallback_is_valid() =>
        Valid(Validate(WithHeader(new ChatHeader
        {
            Mode = ChatHeaderMode.ContactOwner, Fallback = ChatHeaderMode.SpecificUsers, UserIds = ["alice"],
        })));

    [Fact]
    public void Contact_owner_header_needs_a_fallback() =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.ContactOwner, Name = "Acme" })), "header.fallback");

    [Fact]
    public void Contact_owner_header_cannot_fall_back_to_the_contact_owner() =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.ContactOwner, Fallback = ChatHeaderMode.ContactOwner })),
            "header.fallback");

    [Fact]
    public void Contact_owner_header_custom_fallback_needs_a_name() =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.ContactOwner, Fallback = ChatHeaderMode.Custom })),
            "header.name");

    [Fact]
    public void Contact_owner_header_custom_fallback_needs_an_https_avatar() =>
        InvalidOn(Validate(WithHeader(new ChatHeader
        {
            Mode = ChatHeaderMode.ContactOwner, Fallback = ChatHeaderMode.Custom, Name = "Acme", AvatarUrl = "http://x.com/a.png",
        })), "header.avatarUrl");

    [Fact]
    public void Contact_owner_header_specific_users_fallback_needs_users() =>
        InvalidOn(Validate(WithHeader(new ChatHeader { Mode = ChatHeaderMode.ContactOwner, Fallback = ChatHeaderMode.SpecificUsers })),
            "header.userIds");

    // ---- availability ----

    [Fact]
    public void Office_hours_with_away_message_are_valid() =>
        Valid(Validate(WithAvailability(new ChatAvailability
        {
            Mode = AvailabilityMode.OfficeHours, OfficeHours = [NineToFive], AwayMessage = "Back at nine.",
        })));

    [Theory]
    [InlineData(OutsideHoursBehaviour.ReplyTime)]
    [InlineData(OutsideHoursBehaviour.HideLauncher)]
    public void Office_hours_without_away_message_are_valid_when_none_is_shown(OutsideHoursBehaviour outside) =>
        Valid(Validate(WithAvailability(new ChatAvailability
        {
            Mode = AvailabilityMode.OfficeHours, OfficeHours = [NineToFive], OutsideHours = outside,
        })));

    [Fact]
    public void Office_hours_need_at_least_one_interval() =>
        InvalidOn(Validate(WithAvailability(new ChatAvailability { Mode = AvailabilityMode.OfficeHours, AwayMessage = "Away." })),
            "availability.officeHours");

    [Theory]
    [InlineData(17, 0, 9, 0)]
    [InlineData(9, 0, 9, 0)]
    [InlineData(9, 30, 9, 29)]
    public void Office_hours_end_must_be_after_start(int startHour, int startMinute, int endHour, int endMinute)
    {
        var hours = new OpeningHours(DayOfWeek.Tuesday, new TimeOnly(startHour, startMinute), new TimeOnly(endHour, endMinute));
        var chat = WithAvailability(new ChatAvailability
        {
            Mode = AvailabilityMode.OfficeHours, OfficeHours = [NineToFive, hours], AwayMessage = "Away.",
        });

        InvalidOn(Validate(chat), "availability.officeHours[1]");
    }

    [Theory]
    [InlineData(22, 0)]
    [InlineData(0, 0)]
    public void Office_hours_ending_at_00_00_run_until_midnight(int startHour, int startMinute) =>
        Valid(Validate(WithAvailability(new ChatAvailability
        {
            Mode = AvailabilityMode.OfficeHours,
            OfficeHours = [new OpeningHours(DayOfWeek.Friday, new TimeOnly(startHour, startMinute), TimeOnly.MinValue)],
            AwayMessage = "Away.",
        })));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Away_message_is_required_when_shown_outside_hours(string? message) =>
        InvalidOn(Validate(WithAvailability(new ChatAvailability
        {
            Mode = AvailabilityMode.OfficeHours,
            OfficeHours = [NineToFive],
            OutsideHours = OutsideHoursBehaviour.AwayMessage,
            AwayMessage = message,
        })), "availability.awayMessage");

    [Theory]
    [InlineData(AvailabilityMode.Always)]
    [InlineData(AvailabilityMode.MemberStatus)]
    public void Office_hours_are_refused_without_office_hours_availability(AvailabilityMode mode) =>
        InvalidOn(Validate(WithAvailability(new ChatAvailability { Mode = mode, OfficeHours = [NineToFive] })),
            "availability.officeHours");

    [Fact]
    public void Member_status_availability_is_valid() =>
        Valid(Validate(WithAvailability(new ChatAvailability { Mode = AvailabilityMode.MemberStatus })));

    // ---- transcript ----

    [Fact]
    public void Disabled_transcript_needs_no_channel() =>
        Valid(Validate(Chat() with { Transcript = new ChatTranscript { Enabled = false, FromEmailChannelId = null } }));

    [Fact]
    public void Transcript_sent_from_an_email_channel_of_the_inbox_is_valid() =>
        Valid(Validate(Chat() with { Transcript = new ChatTranscript { Enabled = true, FromEmailChannelId = EmailChannelId } }));

    [Fact]
    public void Transcript_needs_an_email_channel() =>
        InvalidOn(Validate(Chat() with { Transcript = new ChatTranscript { Enabled = true } }), "transcript.fromEmailChannelId");

    [Fact]
    public void Transcript_from_an_unknown_channel_is_refused() =>
        InvalidOn(Validate(Chat() with { Transcript = new ChatTranscript { Enabled = true, FromEmailChannelId = "email-404" } }),
            "transcript.fromEmailChannelId");

    [Fact]
    public void Transcript_from_a_channel_that_is_not_email_is_refused()
    {
        var inbox = AnInbox().WithChannel(new Channel("messenger-1", Messenger(), T0), T0);
        var chat = Chat() with { Transcript = new ChatTranscript { Enabled = true, FromEmailChannelId = "messenger-1" } };

        InvalidOn(Validate(chat, inbox), "transcript.fromEmailChannelId");
    }

    [Fact]
    public void Transcript_from_the_chat_channel_itself_is_refused()
    {
        var chat = Chat() with { Transcript = new ChatTranscript { Enabled = true, FromEmailChannelId = ChatChannelId } };
        var inbox = AnInbox().WithChannel(new Channel(ChatChannelId, chat, T0), T0);

        InvalidOn(Validate(chat, inbox), "transcript.fromEmailChannelId");
    }

    [Fact]
    public void Transcript_from_an_email_channel_of_another_inbox_is_refused()
    {
        var otherInbox = Inbox.Create("inbox-2", AccountId, new InboxSettings { Name = "Sales" }, T0);
        var chat = Chat() with { Transcript = new ChatTranscript { Enabled = true, FromEmailChannelId = EmailChannelId } };

        InvalidOn(Validate(chat, otherInbox), "transcript.fromEmailChannelId");
    }
}
