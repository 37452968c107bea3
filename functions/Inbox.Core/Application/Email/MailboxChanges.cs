using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Email;

/// <summary>
/// Turns a queued mailbox change into the messages it names, through the reader of the channel's provider, routes each,
/// and only then keeps where the reading stands. A change for a channel that is gone, or that now uses another provider,
/// reads nothing: the mail is no longer ours to fetch.
/// </summary>
public sealed class MailboxChanges(IInboxStore inboxes, IEnumerable<IMailboxReader> readers)
{
    private readonly Dictionary<EmailProvider, IMailboxReader> byProvider = readers.ToDictionary(r => r.Provider);

    /// <param name="route">Routes one message; throws when it could not, and then nothing is committed.</param>
    public async Task Handle(MailboxChange change, Func<InboundEvent, Task> route, CancellationToken ct)
    {
        var inbox = await inboxes.Find(change.AccountId, change.InboxId, ct);
        if (inbox?.Value.FindChannel(change.ChannelId) is not { Settings: EmailChannel email } channel || email.Provider != change.Provider)
            return;
        if (!byProvider.TryGetValue(change.Provider, out var reader))
            throw new InvalidOperationException($"This host has no reader for {change.Provider} mailboxes.");

        var mailbox = new Mailbox(change.AccountId, change.InboxId, channel);
        var read = await reader.Read(mailbox, change, ct);
        foreach (var message in read.Messages) await route(message);
        if (read.Checkpoint is { } checkpoint) await reader.Commit(mailbox, checkpoint, ct);
    }
}
