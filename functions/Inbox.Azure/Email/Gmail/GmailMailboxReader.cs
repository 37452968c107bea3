using System.Globalization;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Azure.Email.Gmail;

/// <summary>
/// Reads a Gmail mailbox for the queue's consumer: the history since the stored history id (<c>messageAdded</c>, paged),
/// each new message in the inbox fetched raw and normalised with MimeKit, Gmail's <c>threadId</c> as its conversation id.
/// When Gmail no longer has the stored history id (404) it resyncs the last <see cref="GmailOptions.ResyncDays"/> days
/// of the inbox and starts again from the mailbox's current history id. The history id found is kept only in
/// <see cref="Commit"/>, once every message is routed; a message read twice has the same id (its <c>Message-ID</c>),
/// which routing stores once.
/// </summary>
public sealed class GmailMailboxReader(
    GmailApi api, GmailAccessTokens tokens, IGmailWatchStore watches, EmailIntake intake, GmailOptions options, TimeProvider clock,
    ILogger<GmailMailboxReader> log) : IMailboxReader
{
    public EmailProvider Provider => EmailProvider.Gmail;

    public async Task<MailboxRead> Read(Mailbox mailbox, MailboxChange change, CancellationToken ct)
    {
        try
        {
            return await ReadAll(mailbox, ct);
        }
        catch (GmailApiException e) when (e.Status == System.Net.HttpStatusCode.Unauthorized)
        {
            // The access token went before its time (revoked, rotated): the queue's next try gets a new one.
            tokens.Forget(mailbox.AccountId, mailbox.Channel.Id);
            throw;
        }
    }

    private async Task<MailboxRead> ReadAll(Mailbox mailbox, CancellationToken ct)
    {
        // Not connected yet, or disconnected since the push was queued: there is no mailbox of ours to read.
        if (await watches.Find(mailbox.AccountId, mailbox.Channel.Id, ct) is not { } watch) return MailboxRead.Nothing;
        if (await tokens.For(mailbox.AccountId, mailbox.Channel.Id, ct) is not { } token) return MailboxRead.Nothing;

        var (ids, checkpoint) = await History(token, watch.Value.HistoryId, ct) ?? await Resync(token, mailbox, ct);
        var messages = new List<InboundEvent>();
        foreach (var id in ids.Distinct())
        {
            if (await api.RawMessage(token, id, ct) is not { } raw || !IsIncoming(raw.LabelIds)) continue;
            var normalised = MimeMessageNormaliser.NormaliseGmailRaw(raw.Raw, mailbox.Channel.BindingKey.Value, clock.GetUtcNow());
            if (!normalised.IsSuccess)
            {
                // Reading it again would not make it readable: it is skipped, and said so.
                log.LogWarning("Gmail message {Id} of {Address} skipped: {Problem}", id, mailbox.Settings.Address, normalised.Problem!.Detail);
                continue;
            }

            var email = normalised.Value!;
            email = email with { Event = email.Event with { Thread = email.Event.Thread with { ConversationId = raw.ThreadId } } };
            messages.Add(await intake.Take(mailbox, email, ct));
        }

        return new MailboxRead(messages, checkpoint);
    }

    public async Task Commit(Mailbox mailbox, string checkpoint, CancellationToken ct)
    {
        // The renewal timer writes the same document: a stale write reads it again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await watches.Find(mailbox.AccountId, mailbox.Channel.Id, ct) is not { } watch || !IsLater(checkpoint, watch.Value.HistoryId)) return;
            if (await watches.Save(watch.Value with { HistoryId = checkpoint }, watch.ETag, ct)) return;
        }

        throw new InvalidOperationException("The Gmail watch kept changing while its history id was kept.");
    }

    /// <summary>Mail that came in: in the inbox. What the mailbox sent (SENT, not INBOX), drafts and spam are not.</summary>
    public static bool IsIncoming(IReadOnlyList<string>? labels) => labels is not null && labels.Contains("INBOX");

    /// <summary>History ids grow; compared as numbers.</summary>
    public static bool IsLater(string historyId, string than) =>
        ulong.TryParse(historyId, CultureInfo.InvariantCulture, out var a) && (!ulong.TryParse(than, CultureInfo.InvariantCulture, out var b) || a > b);

    private async Task<(List<string> Ids, string Checkpoint)?> History(string token, string startHistoryId, CancellationToken ct)
    {
        var ids = new List<string>();
        string? pageToken = null;
        string checkpoint;
        do
        {
            if (await api.History(token, startHistoryId, pageToken, ct) is not { } page) return null;
            foreach (var history in page.History ?? [])
                ids.AddRange((history.MessagesAdded ?? []).Select(added => added.Message.Id));
            checkpoint = page.HistoryId;
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);

        return (ids, checkpoint);
    }

    private async Task<(List<string> Ids, string Checkpoint)> Resync(string token, Mailbox mailbox, CancellationToken ct)
    {
        log.LogWarning("Gmail no longer has the history of {Address}: resyncing its last {Days} days.", mailbox.Settings.Address, options.ResyncDays);
        // The starting point first: what arrives while the listing runs is read again next time rather than missed.
        var profile = await api.Profile(token, ct);
        var ids = new List<string>();
        string? pageToken = null;
        do
        {
            var page = await api.ListMessages(token, $"newer_than:{options.ResyncDays}d in:inbox", pageToken, ct);
            ids.AddRange((page.Messages ?? []).Select(m => m.Id));
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);

        // Gmail lists newest first; routed oldest first, so replies come after what they answer.
        ids.Reverse();
        return (ids, profile.HistoryId);
    }
}
