using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>
/// Sends a new Messenger conversation the channel's instant reply, then its consent text (the implicit notice, or the
/// explicit question with Yes/No quick replies); once per conversation. These are automation, so only within the
/// standard 24-hour window. The first message that cannot go out ends the greeting: the rest is not tried, the failure
/// is noted on the conversation once and <see cref="Conversation.GreetingFailedAt"/> set, so nothing is tried again
/// (a redelivered event finds it). <see cref="Conversation.GreetedAt"/> is set only when a message went out.
/// </summary>
public sealed class GreetNewConversation(
    IConversationStore conversations, IContactStore contacts, TimeProvider clock, MessengerReplies? messenger = null)
    : DurableActivity<ConversationRef, bool>
{
    /// <returns><c>true</c> when the whole greeting went out.</returns>
    public override async Task<bool> Run(ConversationRef request, CancellationToken ct)
    {
        var (target, conversationId) = request;
        var current = await conversations.Find(target.InboxId, conversationId, ct);
        if (current is null || current.Value.GreetedAt is not null || current.Value.GreetingFailedAt is not null ||
            target.Greeting is not { } greeting || messenger is null)
            return false;

        DateTimeOffset? greetedAt = null;
        string? failure = null;
        var asked = false;
        foreach (var (what, text, quickReplies) in greeting.Messages())
        {
            var result = await messenger.Send(new MessengerReplyRequest(target.ExternalId,
                SecretNames.MessengerPageToken(target.AccountId, target.ChannelId), current.Value.SenderId, text,
                current.Value.LastIncomingAt, ReplySender.Automation, quickReplies), ct);
            if (result is MessengerReplyResult.NotSent notSent)
            {
                failure = $"The greeting's {what} was not sent ({notSent.Kind}): {notSent.Problem.Title}";
                break;
            }

            var sent = (MessengerReplyResult.Sent)result;
            greetedAt ??= sent.SentAt;
            asked |= quickReplies is not null;
            await conversations.AddMessage(new Message(Message.IdFor(ChannelKind.Messenger, sent.MessageId), target.InboxId, conversationId,
                sent.MessageId, MessageDirection.Outgoing, null, text, null, [], sent.SentAt, new MessageDelivery(DeliveryStatus.Sent)), ct);
        }

        if (asked && current.Value.ContactId is { } contactId && await contacts.Find(target.AccountId, contactId, ct) is { Consent: null } contact)
            await contacts.Save(contact with { Consent = ConsentStatus.Asked }, ct);

        // Messages went out: recorded whatever else changed the conversation meanwhile, rather than fail and send again.
        var failedAt = failure is null ? (DateTimeOffset?)null : clock.GetUtcNow();
        await conversations.Record(current, c => c with { GreetedAt = greetedAt, GreetingFailedAt = failedAt, RoutingNote = failure ?? c.RoutingNote }, ct);
        return failure is null;
    }
}
