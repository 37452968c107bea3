using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

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
