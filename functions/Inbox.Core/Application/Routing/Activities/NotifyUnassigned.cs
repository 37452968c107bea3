using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>
/// Tells the inbox's fallback address and Slack channel that nobody was assigned: each once per conversation, marked
/// only once it went out, so a retry (or the opening event redelivered) sends what was not sent and nothing twice. A
/// transient failure throws, for the activity's retry; a permanent one (Slack refused it, the address is refused) is
/// recorded on the conversation and not tried again.
/// </summary>
public sealed class NotifyUnassigned(IConversationStore conversations, IMailSender mail, ISlackNotifier slack, ISecretStore secrets, TimeProvider clock)
    : DurableActivity<ConversationRef, bool>
{
    /// <returns><c>true</c> when something was sent.</returns>
    public override async Task<bool> Run(ConversationRef request, CancellationToken ct)
    {
        var (target, conversationId) = request;
        var current = await conversations.Find(target.InboxId, conversationId, ct);
        if (current is null || current.Value.AssigneeId is not null) return false;
        var c = current.Value;
        var email = c.FallbackEmailNotifiedAt is null && c.FallbackEmailFailedAt is null ? target.Notifications.FallbackEmail : null;
        var slackDue = c.SlackNotifiedAt is null && c.SlackNoticeFailedAt is null && target.Notifications.Slack.Configured;
        if (email is null && !slackDue) return false;

        var text = $"A new conversation in {target.InboxName} could not be assigned to anyone (from {c.SenderId}).";
        if (email is not null)
        {
            string? refused = null;
            try
            {
                await mail.Send(new OutgoingMail(email, $"Unassigned conversation in {target.InboxName}", text), ct);
            }
            catch (MailRefusedException refusal)
            {
                refused = refusal.Message;
            }

            // Recorded before Slack is tried: a Slack failure retried must not mail again.
            current = await conversations.Record(current, x => refused is null
                ? x with { FallbackEmailNotifiedAt = clock.GetUtcNow() }
                : x with { FallbackEmailFailedAt = clock.GetUtcNow(), RoutingNote = $"Nobody could be assigned, and the e-mail notice was refused: {refused}" }, ct);
        }

        if (slackDue)
        {
            // The URL is a credential: only the secret store holds it. Removed meanwhile: nothing to post to, for good.
            var webhook = await secrets.Get(SecretNames.SlackWebhook(target.InboxId), ct);
            var posted = webhook is null
                ? new SlackPostResult("The inbox's Slack webhook is no longer set.")
                : await slack.Post(webhook, text, ct); // a transient failure throws: the activity is retried
            current = await conversations.Record(current, x => posted.IsSent
                ? x with { SlackNotifiedAt = clock.GetUtcNow() }
                : x with { SlackNoticeFailedAt = clock.GetUtcNow(), RoutingNote = $"Nobody could be assigned, and the Slack notice failed: {posted.Failure}" }, ct);
        }

        if (current.Value.SlackNoticeFailedAt is null)
            await conversations.Record(current, x => x with { RoutingNote = x.RoutingNote ?? "Nobody could be assigned; the inbox's fallback contacts were notified." }, ct);
        return true;
    }
}
