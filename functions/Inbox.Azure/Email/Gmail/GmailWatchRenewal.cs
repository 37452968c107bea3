using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Azure.Email.Gmail;

public sealed record GmailRenewalResult(int Renewed, int Skipped, int Failed);

/// <summary>
/// Renews every Gmail watch (Gmail stops pushing after 7 days; Google recommends daily). A watch renewed within
/// <see cref="MinInterval"/> is left alone, so a run that comes twice does the work once, and one that comes late renews
/// everything it finds. A mailbox that fails is logged and does not stop the others. Each renewed mailbox also gets a
/// catch-up on the queue (its history since the last read), so mail whose push was lost is read within a day.
/// </summary>
public sealed class GmailWatchRenewal(
    GmailApi api, GmailAccessTokens tokens, IGmailWatchStore watches, IInboundQueue queue, TimeProvider clock, ILogger<GmailWatchRenewal> log)
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromHours(12);

    public async Task<GmailRenewalResult> Run(CancellationToken ct)
    {
        int renewed = 0, skipped = 0, failed = 0;
        foreach (var watch in await watches.All(ct))
        {
            if (clock.GetUtcNow() - watch.RenewedAt < MinInterval)
            {
                skipped++;
                continue;
            }

            try
            {
                if (await tokens.For(watch.AccountId, watch.ChannelId, ct) is not { } token)
                {
                    skipped++;
                    continue;
                }

                var answer = await api.Watch(token, ct);
                // Only the expiry is the timer's: the history id is the reader's, so a read kept meanwhile wins.
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    if (await watches.Find(watch.AccountId, watch.ChannelId, ct) is not { } current) break;
                    if (await watches.Save(current.Value with { ExpiresAt = answer.ExpiresAt, RenewedAt = clock.GetUtcNow() }, current.ETag, ct)) break;
                }

                await queue.Enqueue([CatchUp(watch, clock.GetUtcNow())], ct);
                renewed++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed++;
                log.LogError(e, "The Gmail watch of {Address} could not be renewed{Revoked}.", watch.Address,
                    e is GmailApiException { IsGrantRevoked: true } ? ": the grant was revoked; connect the mailbox again" : "");
            }
        }

        return new GmailRenewalResult(renewed, skipped, failed);
    }

    /// <summary>One a mailbox a day: a run that comes twice queues the same event, which the queue's duplicate detection drops.</summary>
    public static InboundEvent CatchUp(GmailWatch watch, DateTimeOffset now) =>
        new MailboxChange(EmailProvider.Gmail, MailboxChangeKind.CatchUp, watch.AccountId, watch.InboxId, watch.ChannelId)
            .Queued(watch.Address, $"gmail-catch-up:{watch.ChannelId}:{now.UtcDateTime:yyyy-MM-dd}", now);
}
