using System.Security.Cryptography;
using System.Text;

namespace InboxServerless.Azure.Messenger;

/// <summary>Meta's webhook handshake and signature, as pure functions: the rules are in docs/wire-contracts.md#meta-messenger-the-webhook.</summary>
public static class MessengerWebhook
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    private const string SignaturePrefix = "sha256=";

    /// <summary>
    /// The subscription handshake: the challenge to echo when the mode is <c>subscribe</c> and the token is ours
    /// (compared in constant time); otherwise <c>null</c>, which the webhook answers with 403.
    /// </summary>
    public static string? Challenge(string? mode, string? verifyToken, string? challenge, string configuredToken) =>
        mode == "subscribe" && challenge is not null && verifyToken is not null && configuredToken.Length > 0 &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(verifyToken), Encoding.UTF8.GetBytes(configuredToken))
            ? challenge
            : null;

    /// <summary>
    /// <c>X-Hub-Signature-256: sha256=&lt;64 lowercase hex&gt;</c> = HMAC-SHA256 of the raw body bytes with the app secret,
    /// compared in constant time. Meta signs the bytes it sends, so the bytes received are hashed, never re-serialised JSON.
    /// </summary>
    public static bool IsSigned(ReadOnlySpan<byte> body, string? header, ReadOnlySpan<byte> appSecret)
    {
        if (header is null || header.Length != SignaturePrefix.Length + 64 || !header.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            return false;
        Span<byte> claimed = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(SignaturePrefix.Length), claimed, out _, out var written) != System.Buffers.OperationStatus.Done ||
            written != 32)
            return false;
        Span<byte> actual = stackalloc byte[32];
        HMACSHA256.HashData(appSecret, body, actual);
        return CryptographicOperations.FixedTimeEquals(actual, claimed);
    }
}
