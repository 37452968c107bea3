using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>When a channel binding may be taken over.</summary>
public static class BindingRules
{
    /// <summary>
    /// A claim is written before the inbox records its channel, and both cannot be written atomically. A claim that is
    /// younger than this is in flight and holds; an older one whose inbox does not hold the channel was left by a
    /// crash or a lost race and may be taken over.
    /// </summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether the claim still holds against a claim of the same standing: in flight, or recorded on its inbox by a channel
    /// that is proven or pending and not expired (see <see cref="ChannelOwnershipRules"/>).
    /// </summary>
    public static bool IsHeld(ChannelBinding binding, Inbox? boundInbox, DateTimeOffset now) =>
        now - binding.ClaimedAt < ClaimLease ||
        HoldingChannel(binding, boundInbox) is { } channel &&
        (ChannelOwnershipRules.IsProven(channel) || ChannelOwnershipRules.IsPending(channel, now));

    /// <summary>
    /// Whether another channel's claim may take this one over. A proven claim takes over any claim but a proven one: a
    /// pending channel (or one in flight, which is pending too, since proofs are made on recorded channels) never blocks
    /// whoever proves the id is theirs. A pending claim takes over only what is no longer held.
    /// </summary>
    public static bool YieldsTo(ChannelBinding binding, Inbox? boundInbox, DateTimeOffset now, bool provenClaim) =>
        !IsHeld(binding, boundInbox, now) ||
        provenClaim && !(HoldingChannel(binding, boundInbox) is { } channel && ChannelOwnershipRules.IsProven(channel));

    /// <summary>Whether the claim makes its channel live: held by a proven channel (what routing follows).</summary>
    public static bool IsLive(ChannelBinding binding, Inbox? boundInbox) =>
        HoldingChannel(binding, boundInbox) is { } channel && ChannelOwnershipRules.IsProven(channel);

    private static Channel? HoldingChannel(ChannelBinding binding, Inbox? boundInbox) =>
        boundInbox?.FindChannel(binding.ChannelId) is { } channel && channel.BindingKey.Value == binding.Key ? channel : null;
}
