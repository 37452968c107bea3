using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>
/// The external handshake a channel needs before traffic flows: subscribing a Facebook page with its access token, a
/// Microsoft Graph subscription on the mailbox, a Gmail watch. Called by an activity that is retried with backoff, so it
/// must be idempotent, and it throws when the provider refuses or cannot be reached.
/// </summary>
public interface IChannelConnector
{
    Task Connect(string accountId, string inboxId, Channel channel, CancellationToken ct);
}
