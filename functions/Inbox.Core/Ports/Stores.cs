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

    Task<Page<Versioned<Inbox>>> List(string accountId, int pageSize, string? continuationToken, CancellationToken ct);

    Task<Outcome<Versioned<Inbox>>> Replace(Inbox inbox, string ifMatch, CancellationToken ct);

    /// <returns><c>false</c> when there was nothing to delete.</returns>
    Task<Outcome<bool>> Delete(string accountId, string inboxId, string? ifMatch, CancellationToken ct);
}

/// <summary>The global index from a channel's external id to its inbox; creating a binding claims the key.</summary>
public interface IChannelBindingStore
{
    /// <returns>A <see cref="ProblemKind.Conflict"/> when the key is bound already.</returns>
    Task<Outcome<Versioned<ChannelBinding>>> Claim(ChannelBinding binding, CancellationToken ct);

    Task<Versioned<ChannelBinding>?> Find(string key, CancellationToken ct);

    /// <summary>Replaces a binding that is no longer held; fails if it changed since it was read.</summary>
    Task<Outcome<Versioned<ChannelBinding>>> TakeOver(ChannelBinding binding, string ifMatch, CancellationToken ct);

    /// <summary>Removes the binding if, and only if, it still points to this inbox's channel.</summary>
    Task Release(string key, string inboxId, string channelId, CancellationToken ct);
}

/// <summary>The users and teams of an account.</summary>
public interface IDirectoryStore
{
    Task<AccountDirectory> Load(string accountId, CancellationToken ct);

    Task<User> Save(User user, CancellationToken ct);

    Task<Team> Save(Team team, CancellationToken ct);
}
