using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace InboxServerless.Azure.Email.Gmail;

/// <summary>What a consent's <c>state</c> binds: who asked, for which channel, once (<see cref="Nonce"/>), until when.</summary>
public sealed record GmailConsent(string AccountId, string InboxId, string ChannelId, string UserId, string Nonce, DateTimeOffset ExpiresAt);

/// <summary>
/// The OAuth <c>state</c> of a Gmail consent: the consent as JSON, base64url, a dot, and its HMAC-SHA256 keyed from the
/// OAuth client's secret (so no other key is to be kept). Anyone can read it; no one without the secret can make or
/// change one. Its expiry and its one-time nonce are checked by the callback.
/// </summary>
public sealed class GmailConsentState(GmailOptions options)
{
    private readonly byte[] key = SHA256.HashData(Encoding.UTF8.GetBytes("inbox-gmail-consent-state|" + options.ClientSecret));

    public string Write(GmailConsent consent)
    {
        if (options.ClientSecret.Length == 0) throw new InvalidOperationException("Gmail:ClientSecret is not configured: no state can be signed.");
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(consent));
        return payload + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(payload)));
    }

    /// <returns><c>null</c> when the state is not one we signed (expiry not checked here).</returns>
    public GmailConsent? Read(string? state)
    {
        // Without the secret the key would be public: nothing reads as ours.
        if (options.ClientSecret.Length == 0 || state is not { Length: > 0 and <= 4096 } || state.Split('.') is not [var payload, var signature]) return null;
        byte[] given;
        try
        {
            given = Base64Url.DecodeFromChars(signature);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(given, HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(payload)))) return null;
        try
        {
            return JsonSerializer.Deserialize<GmailConsent>(Base64Url.DecodeFromChars(payload));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
