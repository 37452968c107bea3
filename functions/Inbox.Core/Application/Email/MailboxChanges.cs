using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Email;

/// <summary>
/// Turns a queued mailbox change into the messages it names, through the reader of the channel's provider. A change for
/// a channel that is gone, or that now uses another provider, reads nothing: the mail is no longer ours to fetch.
/// </summary>
public sealed class MailboxChanges(IInboxStore inboxes, IEnumerable<IMailboxReader> readers)
{
    private readonly Dictionary<EmailProvider, IMailboxReader> byProvider = readers.ToDictionary(r => r.Provider);

    public async Task<IReadOnlyList<InboundEvent>> Read(MailboxChange change, CancellationToken ct)
    {
        var inbox = await inboxes.Find(change.AccountId, change.InboxId, ct);
        if (inbox?.Value.FindChannel(change.ChannelId) is not { Settings: EmailChannel email } channel || email.Provider != change.Provider)
            return [];
        if (!byProvider.TryGetValue(change.Provider, out var reader))
            throw new InvalidOperationException($"This host has no reader for {change.Provider} mailboxes.");
        return await reader.Read(new Mailbox(change.AccountId, change.InboxId, channel), change, ct);
    }
}
