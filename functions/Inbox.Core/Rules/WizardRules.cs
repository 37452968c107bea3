using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>
/// The setup wizard's transitions. Each step's payload is checked by the rules of the CRUD endpoints
/// (<see cref="InboxRules"/>, <see cref="ChannelRules"/>); an invalid step changes nothing.
/// </summary>
public static class WizardRules
{
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromHours(24);

    public static WizardState Begin(string id, string accountId, string userId, DateTimeOffset now, TimeSpan idleTimeout) => new()
    {
        Id = id,
        AccountId = accountId,
        StartedBy = userId,
        StartedAt = now,
        UpdatedAt = now,
        ExpiresAt = now + idleTimeout,
        IdleTimeout = idleTimeout,
    };

    /// <summary>The inbox a wizard creates: derived from the wizard, so a retried creation addresses the same inbox.</summary>
    public static string InboxIdOf(string wizardId) => StableId.From("wizard-inbox", wizardId);

    public static string ChannelIdOf(string wizardId) => StableId.From("wizard-channel", wizardId);

    /// <summary>The step named in a route (<c>name</c>, <c>members</c>, …); <c>null</c> for none.</summary>
    public static WizardStepName? ParseStep(string step) =>
        Enum.GetValues<WizardStepName>().Cast<WizardStepName?>().FirstOrDefault(s => NameOf(s!.Value) == step);

    public static string NameOf(WizardStepName step) => step.ToString().ToLowerInvariant();

    public static InboxSettings InboxSettingsOf(WizardState state) => new()
    {
        Name = state.Name ?? "",
        Members = state.Members ?? InboxMembers.All,
        TimeZone = state.TimeZone,
        Notifications = state.Notifications,
    };

    /// <summary>
    /// Checks a step against the state and the account's directory, then applies it: what the API answers before the
    /// orchestration is told.
    /// </summary>
    public static Outcome<WizardState> Submit(WizardState state, StepInput input, AccountDirectory directory, DateTimeOffset now)
    {
        if (CheckOrder(state, input.Step) is { } refused) return refused;
        var validation = Validate(state, input, directory);
        return validation.IsValid ? Apply(state, input, now) : Problem.Invalid(validation.Errors);
    }

    /// <summary>The payload by the CRUD rules, in the light of what the wizard has collected.</summary>
    public static Validation Validate(WizardState state, StepInput input, AccountDirectory directory)
    {
        switch (input)
        {
            case NameInput name:
                // Members are the next step's: checked here as "everyone", which is always valid.
                return InboxRules.Validate(new InboxSettings
                {
                    Name = name.Name,
                    TimeZone = name.TimeZone,
                    Notifications = name.Notifications ?? new(),
                }, directory);
            case MembersInput members:
                return InboxRules.Validate(InboxSettingsOf(state) with { Members = members.Members }, directory);
            case ChannelInput channel:
                return ChannelRules.Validate(Reconnected(state, channel.Channel).Channel!, ChannelIdOf(state.Id), Provisional(state), directory);
            case SettingsInput settings:
                var same = SameConnection(state, settings.Settings);
                return same.IsValid ? ChannelRules.Validate(settings.Settings, ChannelIdOf(state.Id), Provisional(state), directory) : same;
            case ReviewInput review:
                var v = new Validation().Check(review.Confirm, "confirm", "Send true to create the inbox; cancel the wizard to drop it.");
                if (!v.IsValid) return v;
                if (state.Channel is null) return v.Add("kind", "Choose a channel first.");
                foreach (var e in InboxRules.Validate(InboxSettingsOf(state), directory).Errors) v.Add(e.Field, e.Message);
                foreach (var e in ChannelRules.Validate(state.Channel!, ChannelIdOf(state.Id), Provisional(state), directory).Errors)
                    v.Add(e.Field, e.Message);
                return v;
            default:
                return new Validation().Add("step", "Unknown step.");
        }
    }

    /// <summary>
    /// Applies a step that passed <see cref="Validate"/>, checking again only what needs no directory (the order, the
    /// channel's identity): the orchestration's part. A step moves the wizard on to the first step still missing
    /// its data; a revisited step keeps the current one unless it undid something later (another channel kind undoes
    /// the settings).
    /// </summary>
    public static Outcome<WizardState> Apply(WizardState state, StepInput input, DateTimeOffset now)
    {
        if (CheckOrder(state, input.Step) is { } refused) return refused;
        WizardState next;
        switch (input)
        {
            case NameInput name:
                next = state with { Name = name.Name.Trim(), TimeZone = name.TimeZone, Notifications = name.Notifications ?? new() };
                break;
            case MembersInput members:
                next = state with { Members = members.Members };
                break;
            case ChannelInput channel:
                next = Reconnected(state, channel.Channel);
                break;
            case SettingsInput settings:
                var same = SameConnection(state, settings.Settings);
                if (!same.IsValid) return Problem.Invalid(same.Errors);
                next = state with { Channel = settings.Settings, SettingsConfirmed = true };
                break;
            case ReviewInput review:
                if (!review.Confirm) return Problem.Invalid("confirm", "Send true to create the inbox; cancel the wizard to drop it.");
                next = state with { Status = WizardStatus.Creating };
                break;
            default:
                return Problem.Invalid("step", "Unknown step.");
        }

        var missing = FirstMissing(next);
        var step = input.Step == WizardStepName.Review ? state.Step
            : input.Step == state.Step ? missing
            : Min(state.Step, missing);
        return Touched(next with { Step = step, LastError = null }, now);
    }

    /// <summary>The first step whose data is missing; <see cref="WizardStepName.Review"/> when all is there.</summary>
    public static WizardStepName FirstMissing(WizardState state) =>
        state.Name is null ? WizardStepName.Name
        : state.Members is null ? WizardStepName.Members
        : state.Channel is null ? WizardStepName.Channel
        : !state.SettingsConfirmed ? WizardStepName.Settings
        : WizardStepName.Review;

    /// <summary>The orchestration refused a step (another browser moved the wizard meanwhile): shown, nothing changed.</summary>
    public static WizardState Refused(WizardState state, WizardStepName step, Problem problem, DateTimeOffset now) =>
        state with { LastError = WizardError.From(step, problem, now), Version = state.Version + 1, UpdatedAt = now };

    /// <summary>Creating failed: the wizard is open again, on the step to fix, with the error.</summary>
    public static WizardState CreateFailed(WizardState state, WizardStepName step, Problem problem, DateTimeOffset now) =>
        Touched(state with { Status = WizardStatus.Open, Step = Min(state.Step, step), LastError = WizardError.From(step, problem, now) }, now);

    public static WizardState Created(WizardState state, string inboxId, string channelId, DateTimeOffset now) =>
        state with
        {
            Status = WizardStatus.Created,
            InboxId = inboxId,
            ChannelId = channelId,
            LastError = null,
            Version = state.Version + 1,
            UpdatedAt = now,
        };

    public static WizardState Ended(WizardState state, WizardStatus status, DateTimeOffset now) =>
        state with { Status = status, Version = state.Version + 1, UpdatedAt = now };

    /// <summary>Which step a problem of creating the inbox (<paramref name="atChannel"/>: of connecting its channel) is fixed in.</summary>
    public static WizardStepName StepOf(Problem problem, bool atChannel, ChannelSettings? channel)
    {
        if (problem.Kind == ProblemKind.Conflict) return atChannel ? WizardStepName.Channel : WizardStepName.Name;
        if (problem.Kind != ProblemKind.Invalid || problem.Errors is not { Count: > 0 } errors) return WizardStepName.Review;
        var fields = errors.Select(e => e.Field).ToList();
        if (!atChannel) return fields.All(f => f.StartsWith("members", StringComparison.Ordinal)) ? WizardStepName.Members : WizardStepName.Name;
        var connection = ConnectionFields(channel);
        return fields.Any(connection.Contains) ? WizardStepName.Channel : WizardStepName.Settings;
    }

    /// <summary>Channels whose connection needs a handshake with the provider (a page subscription, a Graph subscription, a Gmail watch).</summary>
    public static bool NeedsHandshake(ChannelSettings channel) => channel switch
    {
        MessengerChannel => true,
        EmailChannel email => email.Provider is EmailProvider.Office365 or EmailProvider.Gmail,
        _ => false,
    };

    /// <summary>
    /// The channel step on a wizard whose settings were taken: the same kind keeps them and takes the new connection
    /// data; another kind starts over from the new channel's defaults.
    /// </summary>
    public static ChannelSettings Reconnect(ChannelSettings refined, ChannelSettings connection) => (refined, connection) switch
    {
        // Office 365 has no from-name: one kept from another provider would only be refused.
        (EmailChannel r, EmailChannel c) => r with
        {
            Provider = c.Provider,
            Address = c.Address,
            FromName = c.Provider == EmailProvider.Office365 ? null : r.FromName ?? c.FromName,
        },
        (MessengerChannel r, MessengerChannel c) => r with { PageId = c.PageId, PageName = c.PageName },
        (FormChannel r, FormChannel c) => r with { FormId = c.FormId },
        (ChatChannel r, ChatChannel) => r, // the widget is ours: nothing to connect
        _ => connection,
    };

    /// <summary>The fields of a channel that the channel step sets: its kind and how it is connected.</summary>
    public static IReadOnlySet<string> ConnectionFields(ChannelSettings? channel) => channel switch
    {
        EmailChannel => new HashSet<string> { "kind", "provider", "address" },
        MessengerChannel => new HashSet<string> { "kind", "pageId", "pageName" },
        FormChannel => new HashSet<string> { "kind", "formId" },
        _ => new HashSet<string> { "kind" },
    };

    private static WizardState Reconnected(WizardState state, ChannelSettings chosen) =>
        state.Channel is { } current && state.SettingsConfirmed && current.Kind == chosen.Kind
            ? state with { Channel = Reconnect(current, chosen) }
            : state with { Channel = chosen, SettingsConfirmed = false };

    /// <summary>The settings step refines the chosen channel: its kind and external id are the channel step's.</summary>
    private static Validation SameConnection(WizardState state, ChannelSettings settings)
    {
        var v = new Validation();
        if (state.Channel is null) return v.Add("kind", "Choose a channel first.");
        // The rule of a connected channel's update, worded for the wizard.
        foreach (var e in ChannelChangeRules.Validate(state.Channel, settings, ChannelIdOf(state.Id)).Errors)
            v.Add(e.Field, "Chosen in the channel step; submit that step again to change it.");
        return v;
    }

    /// <summary>The inbox as it would be created, for the channel rules that look at it.</summary>
    private static Inbox Provisional(WizardState state) =>
        Inbox.Create(InboxIdOf(state.Id), state.AccountId, InboxSettingsOf(state), state.UpdatedAt);

    /// <summary>Steps, and anything else that feeds the inbox to be created, are taken only while the wizard is open.</summary>
    public static Problem? CheckOpen(WizardState state) => state.Status == WizardStatus.Open
        ? null
        : Problem.Conflict(state.Status switch
        {
            WizardStatus.Creating => "The inbox is being created; wait for the wizard to finish.",
            WizardStatus.Created => "The inbox was created; the wizard is over.",
            _ => $"The wizard is {state.Status.ToString().ToLowerInvariant()}; start a new one.",
        });

    /// <summary>A wizard that was cancelled or expired is gone: it answers as if it never existed.</summary>
    public static bool IsGone(WizardState state) => state.Status is WizardStatus.Cancelled or WizardStatus.Expired;

    private static Problem? CheckOrder(WizardState state, WizardStepName step)
    {
        if (CheckOpen(state) is { } closed) return closed;
        return step > state.Step
            ? Problem.Conflict($"Finish the '{NameOf(state.Step)}' step first; the steps are name, members, channel, settings and review.")
            : null;
    }

    private static WizardState Touched(WizardState state, DateTimeOffset now) =>
        state with { Version = state.Version + 1, UpdatedAt = now, ExpiresAt = now + state.IdleTimeout };

    private static WizardStepName Min(WizardStepName a, WizardStepName b) => a < b ? a : b;
}
