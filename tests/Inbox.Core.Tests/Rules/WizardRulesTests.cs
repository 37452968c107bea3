using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public sealed class WizardRulesTests
{
    private const string WizardId = "setup-0197a1b2c3d4e5f60718293a4b5c6d7e";
    private static readonly TimeSpan Idle = TimeSpan.FromHours(24);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(1);

    private static WizardState Fresh() => WizardRules.Begin(WizardId, AccountId, "alice", T0, Idle);

    private static WizardState Submit(WizardState state, StepInput input, DateTimeOffset? at = null)
    {
        var next = WizardRules.Submit(state, input, AcmeDirectory, at ?? T1);
        Assert.True(next.IsSuccess, next.Problem?.Detail ?? next.Problem?.Title);
        return next.Value!;
    }

    private static Problem Refused(WizardState state, StepInput input)
    {
        var next = WizardRules.Submit(state, input, AcmeDirectory, T1);
        Assert.False(next.IsSuccess, "The step was accepted.");
        return next.Problem!;
    }

    /// <summary>Records holding lists compare those by reference; compare what they say instead.</summary>
    private static void SameChannel(ChannelSettings expected, ChannelSettings? actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, InboxJson.Api), JsonSerializer.Serialize(actual, InboxJson.Api));

    private static void InvalidOn(Problem problem, string field)
    {
        Assert.Equal(ProblemKind.Invalid, problem.Kind);
        Assert.Contains(problem.Errors!, e => e.Field == field);
    }

    private static readonly NameInput SupportName = new("Support", "Europe/Paris");
    private static readonly MembersInput SupportTeam = new(new InboxMembers { TeamIds = ["support"] });

    private static EmailChannel RefinedEmail(string address = "help@acme.com") => Email(address) with
    {
        FromName = new FromName { Format = FromNameFormat.AgentAndCompany, CompanyName = "Acme" },
        Signature = "<p>{{firstName}}</p>",
        Routing = new Routing { Assignment = new Assignment { Mode = AssignmentMode.Specific, TeamIds = ["support"] } },
    };

    /// <summary>A wizard with every step taken, on the review.</summary>
    private static WizardState AtReview() =>
        Submit(Submit(Submit(Submit(Fresh(), SupportName), SupportTeam), new ChannelInput(Email())), new SettingsInput(RefinedEmail()));

    // ---- beginning and order ----

    [Fact]
    public void A_new_wizard_is_open_on_the_name_step_and_expires_after_the_idle_timeout()
    {
        var state = Fresh();

        Assert.Equal((WizardStatus.Open, WizardStepName.Name, 0), (state.Status, state.Step, state.Version));
        Assert.Equal(T0 + Idle, state.ExpiresAt);
        Assert.Equal(("alice", AccountId), (state.StartedBy, state.AccountId));
    }

    [Fact]
    public void The_steps_are_taken_in_order_each_moving_the_wizard_to_the_next()
    {
        var named = Submit(Fresh(), SupportName);
        var members = Submit(named, SupportTeam);
        var channel = Submit(members, new ChannelInput(Email()));
        var settings = Submit(channel, new SettingsInput(RefinedEmail()));

        Assert.Equal(
            [WizardStepName.Members, WizardStepName.Channel, WizardStepName.Settings, WizardStepName.Review],
            new[] { named, members, channel, settings }.Select(s => s.Step));
        Assert.Equal(4, settings.Version);
        Assert.Equal(("Support", "Europe/Paris"), (settings.Name, settings.TimeZone));
        Assert.Equal(["support"], settings.Members!.TeamIds);
        SameChannel(RefinedEmail(), settings.Channel);
        Assert.True(settings.SettingsConfirmed);
    }

    [Theory]
    [InlineData(WizardStepName.Members)]
    [InlineData(WizardStepName.Channel)]
    [InlineData(WizardStepName.Settings)]
    [InlineData(WizardStepName.Review)]
    public void A_later_step_than_the_current_one_is_refused(WizardStepName step)
    {
        StepInput input = step switch
        {
            WizardStepName.Members => SupportTeam,
            WizardStepName.Channel => new ChannelInput(Email()),
            WizardStepName.Settings => new SettingsInput(Email()),
            _ => new ReviewInput(true),
        };

        var problem = Refused(Fresh(), input);

        Assert.Equal(ProblemKind.Conflict, problem.Kind);
        Assert.Contains("'name'", problem.Detail);
    }

    [Fact]
    public void Each_accepted_step_clears_the_last_error_and_moves_the_expiry()
    {
        var failed = WizardRules.CreateFailed(AtReview(), WizardStepName.Name, Problem.Conflict("taken"), T1);

        var renamed = Submit(failed, new NameInput("Support 2"), T1.AddHours(3));

        Assert.Null(renamed.LastError);
        Assert.Equal(T1.AddHours(3) + Idle, renamed.ExpiresAt);
        Assert.Equal(T1.AddHours(3), renamed.UpdatedAt);
    }

    // ---- validation: the CRUD rules ----

    [Fact]
    public void An_empty_or_too_long_name_is_invalid_on_name_and_changes_nothing()
    {
        var state = Fresh();

        InvalidOn(Refused(state, new NameInput("   ")), "name");
        InvalidOn(Refused(state, new NameInput(new string('x', InboxRules.MaxNameLength + 1))), "name");
        Assert.Equal(Fresh(), state);
    }

    [Fact]
    public void The_name_step_checks_the_time_zone_and_notifications_like_an_inbox()
    {
        InvalidOn(Refused(Fresh(), new NameInput("Support", "Mars/Olympus")), "timeZone");
        InvalidOn(Refused(Fresh(), new NameInput("Support", Notifications: new InboxNotificationSettings { FallbackEmail = "nope" })),
            "notifications.fallbackEmail");
        InvalidOn(Refused(Fresh(), new NameInput("Support", Notifications: new InboxNotificationSettings { SlackWebhookUrl = "http://x.test" })),
            "notifications.slackWebhookUrl");
    }

    [Fact]
    public void Members_are_checked_against_the_directory()
    {
        var named = Submit(Fresh(), SupportName);

        InvalidOn(Refused(named, new MembersInput(new InboxMembers { UserIds = ["ghost"] })), "members.userIds");
        InvalidOn(Refused(named, new MembersInput(new InboxMembers { TeamIds = ["ghosts"] })), "members.teamIds");
        InvalidOn(Refused(named, new MembersInput(new InboxMembers())), "members");
        InvalidOn(Refused(named, new MembersInput(new InboxMembers { Everyone = true, UserIds = ["alice"] })), "members");
        Assert.Equal(WizardStepName.Channel, Submit(named, new MembersInput(InboxMembers.All)).Step);
    }

    [Fact]
    public void The_channel_step_checks_the_channel_with_the_channel_rules()
    {
        var state = Submit(Submit(Fresh(), SupportName), SupportTeam);

        InvalidOn(Refused(state, new ChannelInput(Email("not-an-address"))), "address");
        InvalidOn(Refused(state, new ChannelInput(Email("alice@acme.com"))), "address"); // a user's own address
        InvalidOn(Refused(state, new ChannelInput(Messenger("page-one"))), "pageId");
        InvalidOn(Refused(state, new ChannelInput(Form("bad id"))), "formId");
        InvalidOn(Refused(state, new ChannelInput(Chat() with { AccentColor = "red" })), "accentColor");
        Assert.Equal(WizardStepName.Channel, state.Step);
    }

    [Fact]
    public void A_chat_transcript_needs_an_email_channel_of_the_inbox_which_a_wizard_inbox_does_not_have()
    {
        var state = Submit(Submit(Submit(Fresh(), SupportName), SupportTeam), new ChannelInput(Chat()));

        var problem = Refused(state, new SettingsInput(Chat() with { Transcript = new ChatTranscript { Enabled = true, FromEmailChannelId = "x" } }));

        InvalidOn(problem, "transcript.fromEmailChannelId");
    }

    [Fact]
    public void The_settings_step_checks_the_settings_with_the_channel_rules()
    {
        var state = Submit(Submit(Submit(Fresh(), SupportName), SupportTeam), new ChannelInput(Email() with { Provider = EmailProvider.Office365, FromName = null }));

        InvalidOn(Refused(state, new SettingsInput(RefinedEmail() with { Provider = EmailProvider.Office365 })), "fromName");
        InvalidOn(Refused(state, new SettingsInput(Email() with { Signature = "{{lastName}}" })), "signature");
        InvalidOn(Refused(state, new SettingsInput(Email() with
        {
            Routing = new Routing { Assignment = new Assignment { Mode = AssignmentMode.Specific, UserIds = ["carol"] } }, // no paid seat
        })), "routing.assignment.userIds");
    }

    [Fact]
    public void The_settings_step_keeps_the_kind_and_the_external_id_chosen_in_the_channel_step()
    {
        var state = Submit(Submit(Submit(Fresh(), SupportName), SupportTeam), new ChannelInput(Email()));

        InvalidOn(Refused(state, new SettingsInput(Chat())), "kind");
        InvalidOn(Refused(state, new SettingsInput(RefinedEmail("other@acme.com"))), "address");
        Assert.Equal("HELP@acme.com", Submit(state, new SettingsInput(RefinedEmail("HELP@acme.com"))).Channel is EmailChannel e ? e.Address : null);
    }

    [Fact]
    public void A_review_must_confirm()
    {
        InvalidOn(Refused(AtReview(), new ReviewInput(false)), "confirm");
    }

    [Fact]
    public void A_review_checks_everything_again_against_the_directory_of_now()
    {
        var state = AtReview();
        var withoutSupport = AcmeDirectory with { Teams = [Sales] };

        var next = WizardRules.Submit(state, new ReviewInput(true), withoutSupport, T1);

        Assert.False(next.IsSuccess);
        InvalidOn(next.Problem!, "members.teamIds");
        InvalidOn(next.Problem!, "routing.assignment.teamIds");
    }

    [Fact]
    public void A_confirmed_review_starts_creating_and_then_no_step_is_accepted()
    {
        var creating = Submit(AtReview(), new ReviewInput(true));

        Assert.Equal((WizardStatus.Creating, WizardStepName.Review), (creating.Status, creating.Step));
        Assert.Equal(ProblemKind.Conflict, Refused(creating, SupportName).Kind);
        Assert.Equal(ProblemKind.Conflict, Refused(creating, new ReviewInput(true)).Kind);
    }

    [Theory]
    [InlineData(WizardStatus.Created)]
    [InlineData(WizardStatus.Cancelled)]
    [InlineData(WizardStatus.Expired)]
    public void An_ended_wizard_accepts_no_step(WizardStatus status)
    {
        var ended = WizardRules.Ended(AtReview(), status, T1);

        Assert.Equal(ProblemKind.Conflict, Refused(ended, SupportName).Kind);
    }

    // ---- revisiting ----

    [Fact]
    public void Revisiting_the_name_keeps_the_current_step_and_what_was_collected()
    {
        var atChannel = Submit(Submit(Fresh(), SupportName), SupportTeam);

        var renamed = Submit(atChannel, new NameInput("Help desk"));

        Assert.Equal(WizardStepName.Channel, renamed.Step);
        Assert.Equal("Help desk", renamed.Name);
        Assert.Equal("UTC", renamed.TimeZone); // the name step's data, all of it
        Assert.Equal(atChannel.Members, renamed.Members);
    }

    [Fact]
    public void Revisiting_members_on_the_review_stays_on_the_review()
    {
        var state = Submit(AtReview(), new MembersInput(InboxMembers.All));

        Assert.Equal(WizardStepName.Review, state.Step);
        Assert.True(state.Members!.Everyone);
    }

    [Fact]
    public void Choosing_another_kind_clears_the_settings_and_goes_back_to_the_settings_step()
    {
        var state = Submit(AtReview(), new ChannelInput(Messenger()));

        Assert.Equal(WizardStepName.Settings, state.Step);
        Assert.False(state.SettingsConfirmed);
        SameChannel(Messenger(), state.Channel);
        Assert.Equal(ProblemKind.Conflict, Refused(state, new ReviewInput(true)).Kind);
    }

    [Fact]
    public void The_same_kind_again_keeps_the_settings_and_takes_the_new_connection_data()
    {
        var state = Submit(AtReview(), new ChannelInput(Email("sales@acme.com")));

        Assert.Equal(WizardStepName.Review, state.Step);
        SameChannel(RefinedEmail("sales@acme.com"), state.Channel);
    }

    [Fact]
    public void Reconnecting_to_Office365_drops_the_from_name_it_cannot_have_and_keeps_the_rest()
    {
        var state = Submit(AtReview(), new ChannelInput(Email() with { Provider = EmailProvider.Office365, FromName = null }));

        var email = Assert.IsType<EmailChannel>(state.Channel);
        Assert.Equal((EmailProvider.Office365, (FromName?)null), (email.Provider, email.FromName));
        Assert.Equal(RefinedEmail().Signature, email.Signature);
    }

    [Fact]
    public void Reconnecting_takes_only_each_kinds_connection_fields()
    {
        var page = Messenger("111") with { Greeting = "Hello", InstantReply = new InstantReply { Enabled = true, Text = "Hi" } };
        SameChannel(page with { PageId = "222", PageName = "Other" }, WizardRules.Reconnect(page, Messenger("222") with { PageName = "Other" }));
        SameChannel(Form("b") with { Routing = new Routing { CreateContacts = false } },
            WizardRules.Reconnect(Form("a") with { Routing = new Routing { CreateContacts = false } }, Form("b")));
        var chat = Chat() with { AccentColor = "#000000" };
        Assert.Same(chat, WizardRules.Reconnect(chat, Chat()));
        SameChannel(Form(), WizardRules.Reconnect(chat, Form()));
    }

    [Fact]
    public void Revisiting_the_channel_before_the_settings_were_taken_replaces_it()
    {
        var atSettings = Submit(Submit(Submit(Fresh(), SupportName), SupportTeam), new ChannelInput(Email()));

        var state = Submit(atSettings, new ChannelInput(Email("sales@acme.com") with { Signature = "Sales" }));

        Assert.Equal(WizardStepName.Settings, state.Step);
        Assert.Equal("Sales", ((EmailChannel)state.Channel!).Signature);
    }

    // ---- creating ----

    [Fact]
    public void A_failed_creation_reopens_the_wizard_on_the_step_to_fix_and_keeps_everything_else()
    {
        var creating = Submit(AtReview(), new ReviewInput(true));

        var failed = WizardRules.CreateFailed(creating, WizardStepName.Name, Problem.Conflict("An inbox named 'Support' already exists."), T1);
        var renamed = Submit(failed, new NameInput("Support 2"));

        Assert.Equal((WizardStatus.Open, WizardStepName.Name), (failed.Status, failed.Step));
        Assert.Equal(WizardStepName.Name, failed.LastError!.Step);
        Assert.Contains("already exists", failed.LastError.Detail);
        Assert.Equal(ProblemKind.Conflict, Refused(failed, SupportTeam).Kind); // the name first
        Assert.Equal(WizardStepName.Review, renamed.Step); // the rest is still there
    }

    [Fact]
    public void Revisiting_an_earlier_step_while_sent_back_does_not_skip_the_step_to_fix()
    {
        var failed = WizardRules.CreateFailed(Submit(AtReview(), new ReviewInput(true)), WizardStepName.Settings,
            Problem.Invalid("routing.assignment.userIds", "gone"), T1);

        Assert.Equal(WizardStepName.Settings, Submit(failed, new NameInput("Support 2")).Step);
    }

    [Fact]
    public void Problems_at_creation_send_the_wizard_to_the_step_that_fixes_them()
    {
        var email = Email();
        Assert.Equal(WizardStepName.Name, WizardRules.StepOf(Problem.Conflict("name taken"), atChannel: false, email));
        Assert.Equal(WizardStepName.Channel, WizardRules.StepOf(Problem.Conflict("address taken"), atChannel: true, email));
        Assert.Equal(WizardStepName.Members, WizardRules.StepOf(Problem.Invalid("members.userIds", "gone"), atChannel: false, email));
        Assert.Equal(WizardStepName.Name, WizardRules.StepOf(Problem.Invalid("timeZone", "gone"), atChannel: false, email));
        Assert.Equal(WizardStepName.Channel, WizardRules.StepOf(Problem.Invalid("address", "bad"), atChannel: true, email));
        Assert.Equal(WizardStepName.Settings, WizardRules.StepOf(Problem.Invalid("routing.assignment.userIds", "gone"), atChannel: true, email));
        Assert.Equal(WizardStepName.Channel, WizardRules.StepOf(Problem.Invalid("pageId", "bad"), atChannel: true, Messenger()));
        Assert.Equal(WizardStepName.Review, WizardRules.StepOf(new Problem(ProblemKind.Unavailable, "down"), atChannel: true, email));
    }

    [Fact]
    public void A_created_wizard_holds_the_ids_it_made()
    {
        var created = WizardRules.Created(Submit(AtReview(), new ReviewInput(true)), "inbox", "channel", T1);

        Assert.Equal((WizardStatus.Created, "inbox", "channel"), (created.Status, created.InboxId, created.ChannelId));
    }

    // ---- apply, as the orchestration does ----

    [Fact]
    public void Apply_checks_the_order_and_the_channel_identity_without_a_directory()
    {
        var atSettings = Submit(Submit(Submit(Fresh(), SupportName), SupportTeam), new ChannelInput(Email()));

        Assert.Equal(ProblemKind.Conflict, WizardRules.Apply(Fresh(), new ReviewInput(true), T1).Problem?.Kind);
        Assert.Equal(ProblemKind.Invalid, WizardRules.Apply(atSettings, new SettingsInput(Chat()), T1).Problem?.Kind);
        Assert.Equal(ProblemKind.Invalid, WizardRules.Apply(AtReview(), new ReviewInput(false), T1).Problem?.Kind);
    }

    [Fact]
    public void A_refused_step_is_shown_and_changes_nothing_else()
    {
        var state = AtReview();

        var refused = WizardRules.Refused(state, WizardStepName.Settings, Problem.Invalid("kind", "Chosen in the channel step."), T1);

        Assert.Equal(state with { LastError = refused.LastError, Version = state.Version + 1, UpdatedAt = T1 }, refused);
        Assert.Equal("kind", Assert.Single(refused.LastError!.Errors!).Field);
    }

    // ---- ids, steps, handshakes ----

    [Fact]
    public void The_inbox_and_channel_ids_derive_from_the_wizard()
    {
        Assert.Equal(WizardRules.InboxIdOf(WizardId), WizardRules.InboxIdOf(WizardId));
        Assert.NotEqual(WizardRules.InboxIdOf(WizardId), WizardRules.InboxIdOf(WizardId + "0"));
        Assert.NotEqual(WizardRules.InboxIdOf(WizardId), WizardRules.ChannelIdOf(WizardId));
    }

    [Theory]
    [InlineData("name", WizardStepName.Name)]
    [InlineData("members", WizardStepName.Members)]
    [InlineData("channel", WizardStepName.Channel)]
    [InlineData("settings", WizardStepName.Settings)]
    [InlineData("review", WizardStepName.Review)]
    [InlineData("Name", null)]
    [InlineData("1", null)]
    [InlineData("name,members", null)]
    [InlineData("", null)]
    public void Steps_are_named_in_lower_case(string text, WizardStepName? step) => Assert.Equal(step, WizardRules.ParseStep(text));

    [Fact]
    public void Messenger_and_mailbox_providers_need_a_handshake_chat_forms_and_forwarding_do_not()
    {
        Assert.True(WizardRules.NeedsHandshake(Messenger()));
        Assert.True(WizardRules.NeedsHandshake(Email() with { Provider = EmailProvider.Office365 }));
        Assert.True(WizardRules.NeedsHandshake(Email() with { Provider = EmailProvider.Gmail }));
        Assert.False(WizardRules.NeedsHandshake(Email() with { Provider = EmailProvider.Forwarding }));
        Assert.False(WizardRules.NeedsHandshake(Chat()));
        Assert.False(WizardRules.NeedsHandshake(Form()));
    }
}
