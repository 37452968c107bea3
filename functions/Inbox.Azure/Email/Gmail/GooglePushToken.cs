using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InboxServerless.Azure.Email.Gmail;

/// <summary>Google's keys that sign OIDC tokens (Pub/Sub's push tokens among them); tests give their own.</summary>
public interface IGoogleSigningKeys
{
    /// <param name="refresh">The token names a key we do not hold: Google may have rotated its keys since we read them.</param>
    Task<IReadOnlyList<SecurityKey>> Keys(bool refresh, CancellationToken ct);
}

/// <summary>Google's JWKS (<see cref="GmailOptions.SigningKeysUrl"/>), read once an hour, or sooner for an unknown key.</summary>
public sealed class GoogleSigningKeys(HttpClient http, GmailOptions options, TimeProvider clock) : IGoogleSigningKeys
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromHours(1);

    // An unknown key id in a forged token must not make every request fetch the keys again.
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMinutes(1);

    private (IReadOnlyList<SecurityKey> Keys, DateTimeOffset ReadAt)? cached;

    public async Task<IReadOnlyList<SecurityKey>> Keys(bool refresh, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (cached is { } c && (now - c.ReadAt < MinRefreshInterval || (!refresh && now - c.ReadAt < TimeToLive))) return c.Keys;
        var json = await http.GetStringAsync(options.SigningKeysUrl, ct);
        IReadOnlyList<SecurityKey> keys = [.. new JsonWebKeySet(json).GetSigningKeys()];
        cached = (keys, now);
        return keys;
    }
}

/// <summary>
/// Checks the OIDC token Pub/Sub puts on an authenticated push (docs/wire-contracts.md#gmail-push-history-and-the-oauth-grant) (<c>Authorization: Bearer</c>): RS256 signed by one of
/// Google's keys, issued by Google, for our audience, as the push subscription's service account (its e-mail verified),
/// and not expired by the shared clock.
/// </summary>
public sealed class GooglePushToken(IGoogleSigningKeys keys, GmailOptions options, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Issuers = ["https://accounts.google.com", "accounts.google.com"];

    /// <summary>Clocks differ a little between Google and us.</summary>
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler handler = new();

    /// <returns>Why the token is refused, or <c>null</c> when it is good.</returns>
    public async Task<string?> Refusal(string? authorization, CancellationToken ct)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return "No bearer token.";
        var token = authorization["Bearer ".Length..].Trim();
        if (!handler.CanReadToken(token)) return "The bearer token is not a JWT.";

        var result = await Validate(token, await keys.Keys(false, ct));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException) result = await Validate(token, await keys.Keys(true, ct));
        if (!result.IsValid) return "The token's signature is not Google's.";
        return ClaimsRefusal(result.ClaimsIdentity, clock.GetUtcNow());
    }

    private Task<TokenValidationResult> Validate(string token, IReadOnlyList<SecurityKey> signingKeys) =>
        handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = signingKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            // Checked below, against the shared clock and the settings, so a test can move time.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        });

    private string? ClaimsRefusal(ClaimsIdentity claims, DateTimeOffset now)
    {
        string? Claim(string type) => claims.FindFirst(type)?.Value;
        if (Claim("iss") is not { } issuer || !Issuers.Contains(issuer)) return "The token was not issued by Google.";
        if (!claims.FindAll("aud").Any(a => a.Value == options.PushAudience)) return "The token is for another audience.";
        if (!string.Equals(Claim("email"), options.PushServiceAccount, StringComparison.OrdinalIgnoreCase)) return "The token is not the push subscription's service account.";
        if (!string.Equals(Claim("email_verified"), "true", StringComparison.OrdinalIgnoreCase)) return "The token's e-mail is not verified.";
        if (!long.TryParse(Claim("exp"), out var exp) || DateTimeOffset.FromUnixTimeSeconds(exp) + Skew < now) return "The token has expired.";
        if (long.TryParse(Claim("iat"), out var iat) && DateTimeOffset.FromUnixTimeSeconds(iat) - Skew > now) return "The token is not valid yet.";
        return null;
    }
}
