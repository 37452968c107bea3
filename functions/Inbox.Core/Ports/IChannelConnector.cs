using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>
/// What a channel keeps at its provider: the handshake before traffic flows (subscribing a Facebook page with its
/// access token, a Microsoft Graph subscription on the mailbox, a Gmail watch), the settings the provider shows (a page's
/// greeting), and undoing it all when the channel goes.
/// </summary>
public interface IChannelConnector
{
    /// <summary>
    /// Called by an activity that is retried with backoff, so it must be idempotent, and it throws when the provider
    /// refuses or cannot be reached.
    /// </summary>
    Task Connect(string accountId, string inboxId, Channel channel, CancellationToken ct);

    /// <summary>
    /// Pushes a change of what the provider shows, before the change is saved: a problem here leaves the channel as it was.
    /// </summary>
    /// <returns><c>false</c> when there was nothing to push (no such setting, or not connected to the provider yet).</returns>
    Task<Outcome<bool>> Update(string accountId, string inboxId, Channel before, Channel after, CancellationToken ct);

    /// <summary>
    /// Undoes <see cref="Connect"/> for a channel already removed from its inbox, best effort: it never throws for the
    /// provider or the secret store.
    /// </summary>
    /// <param name="heldElsewhere">
    /// Another channel holds the external id by now: what the channel shares with it at the provider (the app's
    /// subscription to a page) stays; the channel's own secrets go all the same.
    /// </param>
    /// <returns>What could not be undone, for the log; <c>null</c> when nothing is left over.</returns>
    Task<string?> Disconnect(string accountId, string inboxId, Channel channel, bool heldElsewhere, CancellationToken ct);
}
