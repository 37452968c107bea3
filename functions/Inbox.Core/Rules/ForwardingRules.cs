using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace InboxServerless.Core.Rules;

/// <summary>
/// A forwarding address's credentials: the inbound secret a provider presents (HTTP Basic's password) and the code our
/// verification message carries in its subject. Only their SHA-256 is kept: both are random and long (32 and 10 bytes),
/// so a digest without salt cannot be turned back, and a leaked registration does not let anyone post mail.
/// </summary>
public static partial class ForwardingRules
{
    /// <summary>What a verification message's subject carries: <c>inbox-verify-</c> and the code, 20 lowercase hex digits.</summary>
    public const string CodePrefix = "inbox-verify-";

    /// <summary>A code proves the address as long as a pending address waits for it; then the admin asks for a new one.</summary>
    public static readonly TimeSpan CodeLifetime = ChannelOwnershipRules.EmailPendingLifetime;

    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Whether <paramref name="presented"/> is the value hashed as <paramref name="hash"/>, in constant time.</summary>
    public static bool Matches(string? presented, string? hash)
    {
        if (presented is null || hash is null) return false;
        var expected = Encoding.ASCII.GetBytes(hash);
        var actual = Encoding.ASCII.GetBytes(Hash(presented));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>The verification code a subject carries (a reply's "Re: " or a forward's "Fwd: " around it is fine).</summary>
    public static string? CodeIn(string? subject) =>
        subject is not null && Code().Match(subject) is { Success: true } match ? match.Groups[1].Value.ToLowerInvariant() : null;

    /// <summary>Whether a code issued at <paramref name="issuedAt"/> still proves the address at <paramref name="now"/>.</summary>
    public static bool IsCodeLive(DateTimeOffset issuedAt, DateTimeOffset now) => now >= issuedAt && now < issuedAt + CodeLifetime;

    [GeneratedRegex(@"inbox-verify-([0-9a-f]{20})(?![0-9a-z])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex Code();
}
