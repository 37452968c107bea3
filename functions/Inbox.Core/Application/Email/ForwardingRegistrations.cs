using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Email;

/// <summary>
/// What the forwarding webhook knows of a channel, found by the channel id its URL names: where the mail goes, and the
/// hashes of the inbound secret and of the verification code (<see cref="ForwardingRules"/>). Kept in the secret store
/// (<see cref="SecretNames.ForwardingInbound"/>), never on the inbox: the channel API's GETs return the inbox's channels,
/// and a hash does not belong there either; a lookup by channel id is one point read, without a cross-partition query.
/// </summary>
/// <param name="CodeUsedAt">When the code proved the address: a redelivered verification is then recognised and dropped.</param>
public sealed record ForwardingRegistration(
    string AccountId, string InboxId, string ChannelId, string Address, string SecretHash,
    string? CodeHash = null, DateTimeOffset? CodeIssuedAt = null, DateTimeOffset? CodeUsedAt = null);

/// <summary>
/// Issues a forwarding channel's inbound secret and verification code, sends the verification message, and checks what a
/// provider presents. Secrets are shown once, to the caller that asked for them, and only their hashes are kept.
/// </summary>
public sealed class ForwardingRegistrations(ISecretStore secrets, IMailSender mail, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ForwardingRegistration?> Find(string channelId, CancellationToken ct) =>
        await secrets.Get(SecretNames.ForwardingInbound(channelId), ct) is { } text
            ? JsonSerializer.Deserialize<ForwardingRegistration>(text, Json)
            : null;

    /// <summary>
    /// A new inbound secret for the channel (the old one stops working), returned once. A channel without a registration
    /// (connected before, or its registration lost) gets one, and its verification message.
    /// </summary>
    public async Task<string> IssueSecret(string accountId, string inboxId, Channel channel, CancellationToken ct)
    {
        var secret = NewSecret();
        var current = await Find(channel.Id, ct);
        var registration = current is null
            ? new ForwardingRegistration(accountId, inboxId, channel.Id, Address(channel), ForwardingRules.Hash(secret))
            : current with { SecretHash = ForwardingRules.Hash(secret) };
        await Save(registration, ct);
        if (current is null && !ChannelOwnershipRules.IsProven(channel)) await SendVerification(registration, ct);
        return secret;
    }

    /// <summary>A new code (the old one stops working), sent to the address.</summary>
    public async Task SendVerification(string accountId, string inboxId, Channel channel, CancellationToken ct)
    {
        var registration = await Find(channel.Id, ct)
            ?? new ForwardingRegistration(accountId, inboxId, channel.Id, Address(channel), ForwardingRules.Hash(NewSecret()));
        await SendVerification(registration, ct);
    }

    /// <summary>Records that the code proved the address, so the same message arriving again is recognised.</summary>
    public async Task MarkUsed(ForwardingRegistration registration, CancellationToken ct) =>
        await Save(registration with { CodeUsedAt = clock.GetUtcNow() }, ct);

    public Task<bool> Delete(string channelId, CancellationToken ct) => secrets.Delete(SecretNames.ForwardingInbound(channelId), ct);

    private async Task SendVerification(ForwardingRegistration registration, CancellationToken ct)
    {
        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        // Saved before sending: a message that goes out always carries a code we can check.
        await Save(registration with { CodeHash = ForwardingRules.Hash(code), CodeIssuedAt = clock.GetUtcNow(), CodeUsedAt = null }, ct);
        await mail.Send(VerificationMessage(registration.Address, code), ct);
    }

    private static OutgoingMail VerificationMessage(string address, string code) =>
        new(address, $"Verify {address} for your shared inbox: {ForwardingRules.CodePrefix}{code}",
            $"""
            This message checks that mail sent to {address} reaches your shared inbox.

            If you set up forwarding from {address}, nothing more is needed: when this message arrives through it, the
            address is verified and this message is not kept. Until then, the inbox receives nothing from this address.
            If forwarding is not set up yet, set it up and ask for this message again in the inbox's channel settings.
            The code expires in {ForwardingRules.CodeLifetime.TotalDays:0} days.
            """)
        {
            Headers = new Dictionary<string, string> { ["Auto-Submitted"] = "auto-generated" },
        };

    private Task Save(ForwardingRegistration registration, CancellationToken ct) =>
        secrets.Set(SecretNames.ForwardingInbound(registration.ChannelId), JsonSerializer.Serialize(registration, Json), ct);

    private static string Address(Channel channel) => ((EmailChannel)channel.Settings).Address.Trim();

    /// <summary>32 random bytes, base64url: safe in a URL's user info and in a Basic password.</summary>
    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
