using System.Text.Json.Serialization;

namespace InboxServerless.Core.Domain;

public enum ChannelKind { Email, Chat, Messenger, Form }

/// <summary>A channel connected to an inbox: its id, its settings, when it was connected, and whether its external id is proven ours.</summary>
/// <param name="Ownership">
/// <c>null</c> in documents written before ownership was recorded: read through <see cref="Rules.ChannelOwnershipRules.Of"/>.
/// </param>
public sealed record Channel(string Id, ChannelSettings Settings, DateTimeOffset ConnectedAt, ChannelOwnership? Ownership = null)
{
    [JsonIgnore]
    public ChannelBindingKey BindingKey => Settings.BindingKey(Id);
}

/// <summary>
/// The external id that maps inbound traffic to one inbox: a mailbox address, a Facebook page id, a chat widget id
/// (the channel's own id) or a form id. A key is bound to at most one channel of one inbox, across all accounts.
/// </summary>
public readonly record struct ChannelBindingKey(ChannelKind Kind, string ExternalId)
{
    /// <summary>The key as stored: e-mail addresses compare case-insensitively, so they are kept in lower case.</summary>
    public string Value => $"{Kind.ToString().ToLowerInvariant()}:{(Kind == ChannelKind.Email ? ExternalId.ToLowerInvariant() : ExternalId)}";

    public override string ToString() => Value;
}

public enum OwnershipState { Pending, Proven }

/// <summary>
/// Whether the account has proven that a channel's external id is its own (for a page: a user token Meta confirms can
/// manage it). A pending channel routes nothing and expires at <see cref="ExpiresAt"/>; the rule is
/// <see cref="Rules.ChannelOwnershipRules"/>.
/// </summary>
public sealed record ChannelOwnership(OwnershipState State, DateTimeOffset? ExpiresAt = null, DateTimeOffset? ProvenAt = null)
{
    public static ChannelOwnership Pending(DateTimeOffset expiresAt) => new(OwnershipState.Pending, ExpiresAt: expiresAt);

    public static ChannelOwnership Proven(DateTimeOffset provenAt) => new(OwnershipState.Proven, ProvenAt: provenAt);
}

/// <summary>How a channel's conversations are routed when they arrive.</summary>
public sealed record Routing
{
    public Assignment Assignment { get; init; } = Assignment.Off;

    /// <summary>Turn incoming messages into tickets with these defaults; <c>null</c> keeps them as plain conversations.</summary>
    public TicketDefaults? Tickets { get; init; }

    /// <summary>Create a contact for a sender the account does not know yet.</summary>
    public bool CreateContacts { get; init; } = true;
}

public enum AssignmentMode { Off, Specific, ContactOwner }

public sealed record Assignment
{
    public AssignmentMode Mode { get; init; }
    public IReadOnlyList<string> UserIds { get; init; } = [];
    public IReadOnlyList<string> TeamIds { get; init; } = [];

    public static readonly Assignment Off = new() { Mode = AssignmentMode.Off };
}

public enum TicketPriority { Low, Medium, High, Urgent }

public sealed record TicketDefaults
{
    public required string Pipeline { get; init; }
    public required string Status { get; init; }
    public TicketPriority Priority { get; init; } = TicketPriority.Medium;
    public string? OwnerId { get; init; }
}

/// <summary>What an admin configures for a channel; the request body of connect and update, by <c>kind</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(EmailChannel), "email")]
[JsonDerivedType(typeof(ChatChannel), "chat")]
[JsonDerivedType(typeof(MessengerChannel), "messenger")]
[JsonDerivedType(typeof(FormChannel), "form")]
public abstract record ChannelSettings
{
    [JsonIgnore]
    public ChannelKind Kind => this switch
    {
        EmailChannel => ChannelKind.Email,
        ChatChannel => ChannelKind.Chat,
        MessengerChannel => ChannelKind.Messenger,
        _ => ChannelKind.Form,
    };

    public Routing Routing { get; init; } = new();

    public abstract ChannelBindingKey BindingKey(string channelId);
}

// ---- Team email ----

/// <summary>Office 365 through Microsoft Graph, Gmail, or any provider that forwards to us. IMAP is not supported.</summary>
public enum EmailProvider { Office365, Gmail, Forwarding }

public enum FromNameFormat { AgentAndCompany, CompanyOnly }

/// <summary>The name replies are sent from: "Agent at Company" or the company name alone.</summary>
public sealed record FromName
{
    public FromNameFormat Format { get; init; } = FromNameFormat.CompanyOnly;
    public required string CompanyName { get; init; }
}

public sealed record EmailChannel : ChannelSettings
{
    public required EmailProvider Provider { get; init; }
    public required string Address { get; init; }
    /// <summary>Gmail and forwarding: required. Office 365: none, since Graph sends as the mailbox itself.</summary>
    public FromName? FromName { get; init; }

    /// <summary>Rich text (HTML); may use the tokens <c>{{fullName}}</c> and <c>{{firstName}}</c>.</summary>
    public string Signature { get; init; } = "";

    /// <summary>Log an e-mail forwarded into the inbox against the original sender rather than the forwarder.</summary>
    public bool LogForwardedEmailToOriginalSender { get; init; }

    /// <summary>
    /// Office 365: the Entra tenant (its id or a verified domain) whose admin granted the app Mail.Read and Mail.Send, for
    /// the setup wizard's connect step; the channel API takes it in the connect request instead.
    /// </summary>
    public string? TenantId { get; init; }

    public override ChannelBindingKey BindingKey(string channelId) => new(ChannelKind.Email, Address.Trim());
}

// ---- Chat ----

public enum ChatHeaderMode { SpecificUsers, Custom, ContactOwner }

public sealed record ChatHeader
{
    public ChatHeaderMode Mode { get; init; } = ChatHeaderMode.Custom;
    public IReadOnlyList<string> UserIds { get; init; } = [];
    public string? Name { get; init; }
    public string? AvatarUrl { get; init; }

    /// <summary>With <see cref="ChatHeaderMode.ContactOwner"/>: what to show when the visitor has no owner.</summary>
    public ChatHeaderMode? Fallback { get; init; }
}

public enum AvailabilityMode { OfficeHours, MemberStatus, Always }

public enum OutsideHoursBehaviour { AwayMessage, ReplyTime, HideLauncher }

public enum TypicalReplyTime { FewMinutes, FewHours, Day }

/// <summary>One opening interval of a week day, in the inbox's time zone. <c>End</c> 00:00 means midnight.</summary>
public sealed record OpeningHours(DayOfWeek Day, TimeOnly Start, TimeOnly End);

public sealed record ChatAvailability
{
    public AvailabilityMode Mode { get; init; } = AvailabilityMode.Always;
    public IReadOnlyList<OpeningHours> OfficeHours { get; init; } = [];
    public TypicalReplyTime TypicalReplyTime { get; init; } = TypicalReplyTime.FewHours;
    public OutsideHoursBehaviour OutsideHours { get; init; } = OutsideHoursBehaviour.AwayMessage;
    public string? AwayMessage { get; init; }
}

public enum WidgetPlacement { Right, Left }

public sealed record ChatTranscript
{
    public bool Enabled { get; init; }

    /// <summary>The team e-mail channel of the same inbox the transcript is sent from.</summary>
    public string? FromEmailChannelId { get; init; }
}

public sealed record ChatChannel : ChannelSettings
{
    /// <summary><c>#RRGGBB</c>.</summary>
    public string AccentColor { get; init; } = "#425B76";
    public ChatHeader Header { get; init; } = new() { Mode = ChatHeaderMode.Custom, Name = "Support" };
    public required string WelcomeMessage { get; init; }
    public bool OpenWelcomeMessageAsPrompt { get; init; }
    public ChatAvailability Availability { get; init; } = new();
    public WidgetPlacement Placement { get; init; } = WidgetPlacement.Right;
    public ChatTranscript Transcript { get; init; } = new();

    /// <summary>The widget is ours, so its id is the channel's id.</summary>
    public override ChannelBindingKey BindingKey(string channelId) => new(ChannelKind.Chat, channelId);
}

// ---- Facebook Messenger ----

public enum ConsentMode { Implicit, Explicit }

public sealed record MessengerConsent
{
    public ConsentMode Mode { get; init; } = ConsentMode.Implicit;
    public string? Text { get; init; }
}

public sealed record InstantReply
{
    public bool Enabled { get; init; }
    public string? Text { get; init; }
}

public sealed record MessengerChannel : ChannelSettings
{
    public required string PageId { get; init; }
    public required string PageName { get; init; }
    public string? Greeting { get; init; }
    public InstantReply InstantReply { get; init; } = new();
    public MessengerConsent Consent { get; init; } = new();

    public override ChannelBindingKey BindingKey(string channelId) => new(ChannelKind.Messenger, PageId);
}

// ---- Forms ----

public sealed record FormChannel : ChannelSettings
{
    public required string FormId { get; init; }

    public override ChannelBindingKey BindingKey(string channelId) => new(ChannelKind.Form, FormId);
}

/// <summary>
/// The index from an external id to the inbox and channel it belongs to. Its creation is the claim on the key, so two
/// inboxes racing for one address or page cannot both win.
/// </summary>
public sealed record ChannelBinding(string Key, string AccountId, string InboxId, string ChannelId, DateTimeOffset ClaimedAt);
