using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>
/// When a channel's external id is live. Anyone can type a page id, so a Messenger channel is pending until the account
/// proves it manages the page (a user token Meta confirms); only then does it route, and only its own token answers.
/// Anyone can type an address too, so an e-mail channel is pending until proven: Office 365 and Gmail by their grants, a
/// forwarding address by our verification message coming back through it. Chat widgets and forms are ids we mint, so those
/// are live from the start.
/// </summary>
public static class ChannelOwnershipRules
{
    /// <summary>A pending page waits this long for its proof; after that its claim on the external id is free.</summary>
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// A pending address waits longer than a page: its proof is a message that has to travel through the admin's own mail
    /// setup (a forwarding rule to create, a provider's grant to ask the tenant admin for).
    /// </summary>
    public static readonly TimeSpan EmailPendingLifetime = TimeSpan.FromDays(7);

    public static bool NeedsProof(ChannelKind kind) => kind is ChannelKind.Messenger or ChannelKind.Email;

    /// <summary>How long a pending channel of this kind holds its claim.</summary>
    public static TimeSpan PendingLifetimeOf(ChannelKind kind) => kind == ChannelKind.Email ? EmailPendingLifetime : PendingLifetime;

    /// <summary>
    /// Whether the provider handshake itself is the proof (a page connected with its admin's token); an address is proven
    /// later, by its grant or by the verification message coming back, never by connecting.
    /// </summary>
    public static bool ProvenByHandshake(ChannelKind kind) => kind == ChannelKind.Messenger;

    /// <summary>What a channel holds when it is connected: pending for kinds that need a proof, proven otherwise.</summary>
    public static ChannelOwnership AtConnection(ChannelKind kind, DateTimeOffset now) =>
        NeedsProof(kind) ? ChannelOwnership.Pending(now + PendingLifetimeOf(kind)) : ChannelOwnership.Proven(now);

    /// <summary>
    /// The channel's ownership; a channel stored before ownership was recorded counts as connected then, so a Messenger
    /// channel of that time is pending since its connection (long expired): it must be proven like a new one.
    /// </summary>
    public static ChannelOwnership Of(Channel channel) => channel.Ownership ?? AtConnection(channel.Settings.Kind, channel.ConnectedAt);

    /// <summary>Routes, and holds its external id against every other claim.</summary>
    public static bool IsProven(Channel channel) => Of(channel).State == OwnershipState.Proven;

    /// <summary>Pending and not expired: holds its external id against other pending claims, never against a proven one.</summary>
    public static bool IsPending(Channel channel, DateTimeOffset now) =>
        Of(channel) is { State: OwnershipState.Pending, ExpiresAt: { } until } && now < until;
}
