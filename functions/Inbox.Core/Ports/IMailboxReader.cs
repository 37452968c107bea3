using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>A team e-mail channel as its reader sees it: the inbox it belongs to and its settings.</summary>
public sealed record Mailbox(string AccountId, string InboxId, Channel Channel)
{
    public EmailChannel Settings => (EmailChannel)Channel.Settings;
}

/// <summary>
/// Reads a team mailbox at its provider (Microsoft Graph, Gmail, or the forwarded messages we keep), for the queue's
/// consumer: one reader per <see cref="EmailProvider"/>.
/// </summary>
public interface IMailboxReader
{
    EmailProvider Provider { get; }

    /// <summary>
    /// Reads what <paramref name="change"/> names, and does the upkeep it asks for (renew or recreate a subscription).
    /// Returns the new messages as inbound events of type <see cref="InboundEventType.Message"/>, ready to route: HTML
    /// sanitised, attachments stored. Reading a change twice gives the same events (same external ids), which routing
    /// stores once. Throws when the provider cannot be reached, so the queue delivers the change again.
    /// </summary>
    Task<IReadOnlyList<InboundEvent>> Read(Mailbox mailbox, MailboxChange change, CancellationToken ct);
}
