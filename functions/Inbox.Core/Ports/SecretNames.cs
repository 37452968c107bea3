namespace InboxServerless.Core.Ports;

public static class SecretNames
{
    public const int MaxLength = 127;

    /// <summary>
    /// The page access token held by one account's Messenger channel: never shared by whoever names the same page, so a
    /// channel reads only the token its own proof stored. Ids may hold characters Key Vault refuses, and joined with '-'
    /// two pairs could read alike, so the name carries a digest of both (SHA-256, 64 hex digits: 79 characters in all).
    /// </summary>
    public static string MessengerPageToken(string accountId, string channelId) =>
        Checked($"messenger-page-{Digest(accountId, channelId)}");

    /// <summary>
    /// The refresh token a Gmail channel's OAuth consent granted: the channel's own, never shared by another account's
    /// channel of the same address (named like <see cref="MessengerPageToken"/>).
    /// </summary>
    public static string GmailRefreshToken(string accountId, string channelId) =>
        Checked($"gmail-refresh-{Digest(accountId, channelId)}");

    // Length-prefixed, so ("a|b", "c") and ("a", "b|c") differ.
    private static string Digest(string accountId, string channelId) => Sha256Hex($"{accountId.Length}:{accountId}|{channelId}");

    private static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// The clientState of an Office 365 channel's Graph subscriptions: Graph echoes it in every notification, and a
    /// notification without it is not Graph's. Per channel (kept across a subscription's recreation), digested like
    /// <see cref="MessengerPageToken"/>.
    /// </summary>
    public static string GraphClientState(string accountId, string channelId) =>
        Checked($"graph-client-state-{Digest(accountId, channelId)}");

    /// <summary>The Slack incoming webhook URL of an inbox: a credential, so never on the inbox itself.</summary>
    public static string SlackWebhook(string inboxId) => Checked($"slack-webhook-{inboxId}");

    /// <summary>
    /// A forwarding channel's inbound registration (its account, inbox, address, and the hashes of its inbound secret and
    /// verification code), found by the channel id alone, which is all the webhook's URL names. The id is digested: the
    /// wizard's ids may hold characters Key Vault refuses.
    /// </summary>
    public static string ForwardingInbound(string channelId) =>
        Checked($"forwarding-inbound-{Sha256Hex(channelId)}");

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>The name, or an <see cref="ArgumentException"/> when Key Vault would refuse it.</summary>
    public static string Checked(string name) =>
        IsValid(name) ? name : throw new ArgumentException($"'{name}' is not a secret name: 1 to {MaxLength} characters of 0-9, a-z, A-Z and '-'.", nameof(name));
}
