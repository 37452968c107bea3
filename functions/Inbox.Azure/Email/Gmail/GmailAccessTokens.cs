using System.Collections.Concurrent;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email.Gmail;

/// <summary>
/// Access tokens of the Gmail channels, from each channel's refresh token (in the secret store), kept until shortly
/// before they expire, so a busy mailbox costs one token call an hour rather than one a read.
/// </summary>
public sealed class GmailAccessTokens(GmailApi api, ISecretStore secrets, TimeProvider clock)
{
    /// <summary>A token this close to its end is renewed: it must outlive the calls made with it.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Until)> cache = new();

    /// <returns><c>null</c> when the channel holds no refresh token (never connected, or disconnected).</returns>
    public async Task<string?> For(string accountId, string channelId, CancellationToken ct)
    {
        var name = SecretNames.GmailRefreshToken(accountId, channelId);
        if (cache.TryGetValue(name, out var cached) && cached.Until > clock.GetUtcNow()) return cached.Token;
        if (await secrets.Get(name, ct) is not { Length: > 0 } refreshToken) return null;
        var tokens = await api.Refresh(refreshToken, ct);
        Remember(name, tokens);
        return tokens.AccessToken;
    }

    /// <summary>Keeps the tokens a consent just granted: its refresh token in the secret store, its access token here.</summary>
    public async Task Keep(string accountId, string channelId, GmailTokens tokens, CancellationToken ct)
    {
        var name = SecretNames.GmailRefreshToken(accountId, channelId);
        if (tokens.RefreshToken is { Length: > 0 } refreshToken) await secrets.Set(name, refreshToken, ct);
        Remember(name, tokens);
    }

    public void Forget(string accountId, string channelId) => cache.TryRemove(SecretNames.GmailRefreshToken(accountId, channelId), out _);

    private void Remember(string name, GmailTokens tokens) =>
        cache[name] = (tokens.AccessToken, clock.GetUtcNow() + TimeSpan.FromSeconds(tokens.ExpiresIn) - Margin);
}
