namespace InboxServerless.Core.Ports;

/// <summary>
/// Secrets the product keeps for its channels (page access tokens, …): Key Vault in Azure, a local store on the dev
/// host; never Cosmos DB. Names are Key Vault's: 1 to 127 characters of <c>[0-9a-zA-Z-]</c>, compared without regard
/// to case. A name outside that set is a programming error (<see cref="ArgumentException"/>).
/// </summary>
public interface ISecretStore
{
    /// <returns><c>null</c> when there is no such secret.</returns>
    Task<string?> Get(string name, CancellationToken ct);

    /// <summary>Creates the secret or replaces its value.</summary>
    Task Set(string name, string value, CancellationToken ct);

    /// <returns><c>false</c> when there was nothing to delete.</returns>
    Task<bool> Delete(string name, CancellationToken ct);
}

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

    private static string Digest(string accountId, string channelId)
    {
        // Length-prefixed, so ("a|b", "c") and ("a", "b|c") differ.
        var text = $"{accountId.Length}:{accountId}|{channelId}";
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The Slack incoming webhook URL of an inbox: a credential, so never on the inbox itself.</summary>
    public static string SlackWebhook(string inboxId) => Checked($"slack-webhook-{inboxId}");

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>The name, or an <see cref="ArgumentException"/> when Key Vault would refuse it.</summary>
    public static string Checked(string name) =>
        IsValid(name) ? name : throw new ArgumentException($"'{name}' is not a secret name: 1 to {MaxLength} characters of 0-9, a-z, A-Z and '-'.", nameof(name));
}
