using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Email;

/// <summary>A channel just connected, with the inbound secret of a forwarding channel (shown this once).</summary>
public sealed record ConnectedChannel(Versioned<Channel> Channel, string? InboundSecret);

/// <summary>A forwarding channel's new inbound secret, shown once.</summary>
public sealed record InboundSecret(string ChannelId, string Secret);

/// <summary>What a message carrying a verification code came to.</summary>
public enum Verification
{
    /// <summary>No code of this channel in the subject: an ordinary message.</summary>
    None,

    /// <summary>The code proved the address (now, or earlier: a redelivery): the message is consumed, not stored.</summary>
    Proven,

    /// <summary>A code that does not prove the address (wrong, expired, or another account proved it first): dropped.</summary>
    Refused,
}

/// <summary>
/// The admin's use cases of forwarding addresses, and the proof of an address: a message carrying the code our
/// verification message sent to it, coming back through the inbound URL, proves that mail to the address reaches us.
/// </summary>
public sealed class ForwardingChannels(InboxUseCases inboxUseCases, ForwardingRegistrations registrations, TimeProvider clock)
{
    /// <summary>Who proves an address on the account's behalf: the message itself, no user.</summary>
    public const string VerifierUserId = "forwarding-verification";

    public static bool IsForwarding(Channel channel) => channel.Settings is EmailChannel { Provider: EmailProvider.Forwarding };

    /// <summary>Connects a channel; a forwarding channel also gets its inbound secret, shown once, and its verification message.</summary>
    public async Task<Outcome<ConnectedChannel>> Connect(Caller caller, string inboxId, ChannelSettings settings, CancellationToken ct)
    {
        var connected = await inboxUseCases.ConnectChannel(caller, inboxId, settings, ct);
        if (!connected.IsSuccess) return connected.Problem!;
        var channel = connected.Value!;
        return IsForwarding(channel.Value)
            ? new ConnectedChannel(channel, await registrations.IssueSecret(caller.AccountId, inboxId, channel.Value, ct))
            : new ConnectedChannel(channel, null);
    }

    /// <summary>A new inbound secret; the old one stops working at once (admins only).</summary>
    public async Task<Outcome<InboundSecret>> RotateSecret(Caller caller, string inboxId, string channelId, CancellationToken ct)
    {
        var channel = await Forwarding(caller, inboxId, channelId, ct);
        if (!channel.IsSuccess) return channel.Problem!;
        return new InboundSecret(channelId, await registrations.IssueSecret(caller.AccountId, inboxId, channel.Value!, ct));
    }

    /// <summary>Sends the verification message again, with a new code (admins only; a proven address needs none).</summary>
    public async Task<Outcome<bool>> ResendVerification(Caller caller, string inboxId, string channelId, CancellationToken ct)
    {
        var channel = await Forwarding(caller, inboxId, channelId, ct);
        if (!channel.IsSuccess) return channel.Problem!;
        if (ChannelOwnershipRules.IsProven(channel.Value!)) return Problem.Conflict("The address is verified already.");
        await registrations.SendVerification(caller.AccountId, inboxId, channel.Value!, ct);
        return true;
    }

    /// <summary>
    /// Whether a message that arrived for the mailbox carries the channel's verification code, and if so proves the address
    /// (<see cref="InboxUseCases.ProveChannel{T}"/>, which keeps the claim rules: another account's proven address stays theirs).
    /// </summary>
    public async Task<Verification> Verify(Mailbox mailbox, string? subject, CancellationToken ct)
    {
        if (ForwardingRules.CodeIn(subject) is not { } code) return Verification.None;
        if (await registrations.Find(mailbox.Channel.Id, ct) is not { CodeHash: { } hash, CodeIssuedAt: { } issuedAt } registration ||
            !ForwardingRules.Matches(code, hash))
            return ChannelOwnershipRules.IsProven(mailbox.Channel) ? Verification.None : Verification.Refused;
        // The same message again (a provider's retry, a second forward) after it proved the address.
        if (registration.CodeUsedAt is not null) return Verification.Proven;
        if (!ForwardingRules.IsCodeLive(issuedAt, clock.GetUtcNow())) return Verification.Refused;

        var verifier = new Caller(mailbox.AccountId, VerifierUserId, new HashSet<Role> { Role.AccountAdmin });
        var proven = await inboxUseCases.ProveChannel(verifier, mailbox.InboxId, mailbox.Channel.Id, _ => Task.FromResult<Outcome<bool>>(true), ct);
        if (!proven.IsSuccess) return Verification.Refused;
        await registrations.MarkUsed(registration, ct);
        return Verification.Proven;
    }

    private async Task<Outcome<Channel>> Forwarding(Caller caller, string inboxId, string channelId, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return InboxUseCases.Forbidden;
        var channel = await inboxUseCases.GetChannel(caller, inboxId, channelId, ct);
        if (!channel.IsSuccess) return channel.Problem!;
        return IsForwarding(channel.Value!.Value) ? channel.Value.Value : Problem.NotFound("The inbox or forwarding channel");
    }
}
