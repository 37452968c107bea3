using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>
/// Inboxes of an account with their channels. Writes are guarded: a duplicate name is a
/// <see cref="ProblemKind.Conflict"/>, a stale ETag a <see cref="ProblemKind.PreconditionFailed"/>; never a silent overwrite.
/// </summary>
public interface IInboxStore
{
    Task<Outcome<Versioned<Inbox>>> Create(Inbox inbox, CancellationToken ct);

    Task<Versioned<Inbox>?> Find(string accountId, string inboxId, CancellationToken ct);

    /// <exception cref="UnreadableContinuationToken">The token is not one of this list's.</exception>
    Task<Page<Versioned<Inbox>>> List(string accountId, int pageSize, string? continuationToken, CancellationToken ct);

    Task<Outcome<Versioned<Inbox>>> Replace(Inbox inbox, string ifMatch, CancellationToken ct);

    /// <returns><c>false</c> when there was nothing to delete.</returns>
    Task<Outcome<bool>> Delete(string accountId, string inboxId, string? ifMatch, CancellationToken ct);
}
