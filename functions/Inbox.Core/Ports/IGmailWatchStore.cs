using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>
/// A Gmail mailbox's watch: where its reading stands (<see cref="HistoryId"/>, kept only once what was read is routed)
/// and when Gmail stops pushing unless the watch is renewed.
/// </summary>
public sealed record GmailWatch(
    string AccountId, string InboxId, string ChannelId, string Address, string HistoryId, DateTimeOffset ExpiresAt, DateTimeOffset RenewedAt);

/// <summary>
/// The Gmail mailboxes' watches, and the one-time nonces of the consents under way (a consent's <c>state</c> is good for
/// one callback only).
/// </summary>
public interface IGmailWatchStore
{
    Task<Versioned<GmailWatch>?> Find(string accountId, string channelId, CancellationToken ct);

    /// <summary>Creates or replaces the watch; with <paramref name="ifMatch"/>, only if it is unchanged since read.</summary>
    /// <returns><c>false</c> when it changed meanwhile.</returns>
    Task<bool> Save(GmailWatch watch, string? ifMatch, CancellationToken ct);

    Task Delete(string accountId, string channelId, CancellationToken ct);

    /// <summary>Every watch, for the daily renewal (not on a hot path).</summary>
    Task<IReadOnlyList<GmailWatch>> All(CancellationToken ct);

    Task BeginAuthorization(string accountId, string channelId, string nonce, DateTimeOffset expiresAt, CancellationToken ct);

    /// <returns><c>true</c> once only, for the nonce last begun on the channel.</returns>
    Task<bool> EndAuthorization(string accountId, string channelId, string nonce, CancellationToken ct);
}
