using System.Text.Json.Serialization;

namespace InboxServerless.Core.Domain;

/// <summary>The setup wizard's steps, in the order they are taken.</summary>
public enum WizardStepName { Name, Members, Channel, Settings, Review }

/// <summary>
/// <see cref="Open"/> while steps are taken; <see cref="Creating"/> once the review is confirmed, until the inbox exists
/// (<see cref="Created"/>) or the creation failed (back to <see cref="Open"/>, with the error). The others are ends
/// that leave nothing behind.
/// </summary>
public enum WizardStatus { Open, Creating, Created, Cancelled, Expired, Failed }

/// <summary>Why the last attempt failed, and the step to fix it in.</summary>
public sealed record WizardError(WizardStepName Step, string Title, string? Detail, IReadOnlyList<FieldError>? Errors, DateTimeOffset At)
{
    public static WizardError From(WizardStepName step, Problem problem, DateTimeOffset at) =>
        new(step, problem.Title, problem.Detail, problem.Errors, at);
}

/// <summary>
/// Where a wizard is and what it has collected. <see cref="Step"/> is the current step: the next one to submit; any
/// earlier one may be submitted again.
/// </summary>
public sealed record WizardState
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string StartedBy { get; init; }
    public WizardStatus Status { get; init; } = WizardStatus.Open;
    public WizardStepName Step { get; init; } = WizardStepName.Name;

    /// <summary>How many changes the wizard has made; each accepted step adds one.</summary>
    public int Version { get; init; }

    // ---- name ----
    public string? Name { get; init; }
    public string TimeZone { get; init; } = "UTC";
    public InboxNotificationSettings Notifications { get; init; } = new();

    // ---- members ----
    public InboxMembers? Members { get; init; }

    // ---- channel, then its settings ----

    /// <summary>The channel as chosen in the channel step, refined in the settings step (same kind, same external id).</summary>
    public ChannelSettings? Channel { get; init; }

    /// <summary>The settings step was taken for <see cref="Channel"/>; choosing another kind undoes it.</summary>
    public bool SettingsConfirmed { get; init; }

    public WizardError? LastError { get; init; }

    // ---- when created ----
    public string? InboxId { get; init; }
    public string? ChannelId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>An idle wizard ends then, leaving nothing behind; each accepted step moves it on by <see cref="IdleTimeout"/>.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    public required TimeSpan IdleTimeout { get; init; }

    /// <summary>The state as shown (its custom status is visible): without the Slack webhook URL, a credential.</summary>
    public WizardState Published() => this with { Notifications = Notifications.WithoutSecret() };
}

/// <summary>One step's payload, as submitted. The channel and settings steps carry the body of a channel's connect.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "step")]
[JsonDerivedType(typeof(NameInput), "name")]
[JsonDerivedType(typeof(MembersInput), "members")]
[JsonDerivedType(typeof(ChannelInput), "channel")]
[JsonDerivedType(typeof(SettingsInput), "settings")]
[JsonDerivedType(typeof(ReviewInput), "review")]
public abstract record StepInput
{
    [JsonIgnore]
    public abstract WizardStepName Step { get; }
}

/// <summary>The inbox's name, and optionally its time zone and notifications (as in <see cref="InboxSettings"/>).</summary>
public sealed record NameInput(string Name, string TimeZone = "UTC", InboxNotificationSettings? Notifications = null) : StepInput
{
    public override WizardStepName Step => WizardStepName.Name;
}

public sealed record MembersInput(InboxMembers Members) : StepInput
{
    public override WizardStepName Step => WizardStepName.Members;
}

/// <summary>The kind and connection data (e-mail provider and address, Messenger page, form id), the rest at its defaults.</summary>
public sealed record ChannelInput(ChannelSettings Channel) : StepInput
{
    public override WizardStepName Step => WizardStepName.Channel;
}

/// <summary>The channel's full settings, of the kind and with the external id chosen in the channel step.</summary>
public sealed record SettingsInput(ChannelSettings Settings) : StepInput
{
    public override WizardStepName Step => WizardStepName.Settings;
}

public sealed record ReviewInput(bool Confirm) : StepInput
{
    public override WizardStepName Step => WizardStepName.Review;
}
