using InboxServerless.Core.Domain;

// A port: it moves to Ports/ with the adapters that implement it (Messenger subscribed apps, Graph subscriptions, Gmail watch).
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

/// <summary>
/// The connector until the providers' adapters exist: chat, forms and forwarded e-mail need no handshake, and no external
/// call is made for the others yet.
/// </summary>
public sealed class NoHandshakeChannelConnector : IChannelConnector
{
    public Task Connect(string accountId, string inboxId, Channel channel, CancellationToken ct) => Task.CompletedTask;
}
