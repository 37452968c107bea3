using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>A team e-mail channel as its reader sees it: the inbox it belongs to and its settings.</summary>
public sealed record Mailbox(string AccountId, string InboxId, Channel Channel)
{
    public EmailChannel Settings => (EmailChannel)Channel.Settings;
}

/// <summary>
/// What a read found: the new messages, and where the mailbox's reading stands once they are routed (Graph's delta link,
/// Gmail's history id), to be kept only then, so a failure before that reads them again rather than skipping them.
/// </summary>
public sealed record MailboxRead(IReadOnlyList<InboundEvent> Messages, string? Checkpoint = null)
{
    public static readonly MailboxRead Nothing = new([]);
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
    Task<MailboxRead> Read(Mailbox mailbox, MailboxChange change, CancellationToken ct);

    /// <summary>Keeps <see cref="MailboxRead.Checkpoint"/> once every message of the read is routed.</summary>
    Task Commit(Mailbox mailbox, string checkpoint, CancellationToken ct);
}
