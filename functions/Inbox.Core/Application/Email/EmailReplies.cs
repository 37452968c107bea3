using InboxServerless.Core.Application.Routing.Activities;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Email;

/// <summary>
/// Agents' replies on e-mail conversations. <see cref="Queue"/> stores the reply as it will be sent (the body with the
/// signature filled for the agent) with <see cref="DeliveryStatus.Queued"/> and puts it on the queue; the queue's
/// consumer <see cref="Send"/>s it through the channel's provider and records the outcome on the message. The queue
/// retries what failed transiently; on its last delivery the failure is recorded for good and the event dead-lettered.
/// </summary>
public sealed class EmailReplies(
    IConversationStore conversations,
    IInboxStore inboxes,
    IDirectoryStore directories,
    IInboundQueue queue,
    IAttachmentStore attachments,
    IMailHtml html,
    IEnumerable<IChannelMailSender> senders,
    TimeProvider clock)
{
    public async Task<Outcome<Message>> Queue(
        Inbox inbox, AccountDirectory directory, string userId, Conversation conversation, EmailChannel channel, NewReply reply, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reply.Text)) return Problem.Invalid("text", "The reply must not be empty.");
        if (reply.Text.Length > ReplyMailRules.MaxTextLength) return Problem.Invalid("text", $"At most {ReplyMailRules.MaxTextLength:N0} characters.");
        var files = await Attachments(inbox, reply.AttachmentIds ?? [], ct);
        if (!files.IsSuccess) return files.Problem!;

        var now = clock.GetUtcNow();
        var body = Body(channel, directory.FindUser(userId), reply.Text);
        var externalId = ReplyMailRules.MessageId(StableId.From("reply", conversation.Id, userId, now.ToString("O")), channel.Address);
        var message = new Message(Message.IdFor(ChannelKind.Email, externalId), inbox.Id, conversation.Id, externalId, MessageDirection.Outgoing, userId,
            body.Text, body.Html, files.Value!, now,
            new MessageDelivery(DeliveryStatus.Queued));
        await conversations.SaveMessage(message, ct);
        try
        {
            await queue.Enqueue([new OutgoingReply(inbox.AccountId, inbox.Id, conversation.Id, message.Id).Queued(ChannelKind.Email, now)], ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Not queued, so never sent: say so on the message rather than leave it queued for ever.
            await conversations.SaveMessage(message with { Delivery = new MessageDelivery(DeliveryStatus.Failed, "NotQueued", "The reply could not be queued; send it again.") }, CancellationToken.None);
            return new Problem(ProblemKind.Unavailable, "The reply could not be queued for sending.", "The queue is unavailable; send the reply again.");
        }

        return message;
    }

    /// <summary>The channel's signature for this user, filled and made safe, with its text alternative.</summary>
    public (string Html, string Text) Signature(EmailChannel channel, User? agent)
    {
        var filled = html.Sanitize(EmailChannelRules.FillSignature(channel.Signature, agent));
        return (filled, html.ToText(filled));
    }

    /// <summary>
    /// A reply's body as it is stored and sent (and as the channel preview shows it): the agent's text, then the signature
    /// filled for the agent; the HTML made safe, with its plain-text alternative.
    /// </summary>
    public (string Html, string Text) Body(EmailChannel channel, User? agent, string text)
    {
        var signature = Signature(channel, agent);
        return (html.Sanitize(ReplyMailRules.Html(text, signature.Html)), ReplyMailRules.PlainText(text, signature.Text));
    }

    /// <summary>
    /// Sends the queued reply once: a redelivery of a reply already sent or failed sends nothing. A transient failure
    /// throws for the queue's retry, after recording the attempt; on the last delivery it is recorded as the final failure.
    /// </summary>
    public async Task Send(OutgoingReply reply, DeliveryAttempt attempt, CancellationToken ct)
    {
        if (await conversations.FindMessage(reply.InboxId, reply.MessageId, ct) is not { Delivery.Status: DeliveryStatus.Queued } message) return;
        if (await conversations.Find(reply.InboxId, reply.ConversationId, ct) is not { } conversation) return;
        var inbox = await inboxes.Find(reply.AccountId, reply.InboxId, ct);
        if (inbox?.Value.FindChannel(conversation.Value.ChannelId) is not { Settings: EmailChannel channel })
        {
            await Record(message, new MessageDelivery(DeliveryStatus.Failed, "ChannelDisconnected", "The e-mail channel of this conversation was disconnected before the reply was sent.") { Attempts = attempt.Count });
            return;
        }

        if (senders.FirstOrDefault(s => s.Provider == channel.Provider) is not { } sender)
        {
            await Record(message, new MessageDelivery(DeliveryStatus.Failed, "NotSupported", $"Replies through {channel.Provider} are not available in this deployment.") { Attempts = attempt.Count });
            return;
        }

        MailSendResult result;
        try
        {
            var mail = await Mail(reply, message, conversation.Value, channel, ct);
            result = await sender.Send(new ChannelMail(reply.AccountId, conversation.Value.ChannelId, channel, mail, ProviderThreadId(conversation.Value), attempt.Count), ct);
        }
        catch (MailRefusedException refused)
        {
            result = new MailSendResult.Refused(refused.Message);
        }
        catch (Exception failure) when (!ct.IsCancellationRequested)
        {
            await Record(message, attempt.IsLast
                ? new MessageDelivery(DeliveryStatus.Failed, "SendFailed", $"Gave up after {attempt.Count} attempts: {failure.Message}") { Attempts = attempt.Count }
                : new MessageDelivery(DeliveryStatus.Queued, null, $"Attempt {attempt.Count} failed, to be retried: {failure.Message}") { Attempts = attempt.Count });
            throw;
        }

        var now = clock.GetUtcNow();
        await Record(message, result switch
        {
            MailSendResult.Sent sent => new MessageDelivery(DeliveryStatus.Sent) { Attempts = attempt.Count, ProviderMessageId = sent.ProviderMessageId, SentAt = now },
            MailSendResult.Refused refused => new MessageDelivery(DeliveryStatus.Failed, "Refused", refused.Reason) { Attempts = attempt.Count },
            _ => throw new InvalidOperationException(),
        });
        if (result is MailSendResult.Sent) await conversations.Record(conversation, c => ConversationRules.Replied(c, now), ct);
    }

    private Task Record(Message message, MessageDelivery delivery) =>
        // Not cancelled with the delivery: an outcome the provider gave must not be lost to a stopping host.
        conversations.SaveMessage(message with { Delivery = delivery }, CancellationToken.None);

    /// <summary>The reply as it leaves: to the contact, from the channel's name for the agent, threaded, with its files.</summary>
    private async Task<OutgoingMail> Mail(OutgoingReply reply, Message message, Conversation conversation, EmailChannel channel, CancellationToken ct)
    {
        var directory = await directories.Load(reply.AccountId, ct);
        var (inReplyTo, references) = ReplyMailRules.Thread(await conversations.Messages(reply.InboxId, reply.ConversationId, ct), message.Id);
        List<MailAttachment> files = [];
        foreach (var attachment in message.Attachments)
            files.Add(await Read(reply, attachment, ct));
        return new OutgoingMail(conversation.SenderId, ReplyMailRules.Subject(conversation.Subject), message.Text ?? "")
        {
            From = channel.Address,
            FromName = ReplyMailRules.FromName(channel, message.SenderId is { } agent ? directory.FindUser(agent) : null),
            Html = message.Html,
            MessageId = message.ExternalId,
            InReplyTo = inReplyTo,
            References = references,
            Attachments = files,
        };
    }

    private async Task<MailAttachment> Read(OutgoingReply reply, Attachment attachment, CancellationToken ct)
    {
        var id = AttachmentRules.IdOf(attachment.Url) ?? throw new InvalidOperationException($"Attachment '{attachment.Name}' is not one of ours.");
        var stored = await attachments.Open(reply.AccountId, reply.InboxId, id, ct)
            ?? throw new MailRefusedException($"Attachment '{attachment.Name}' is no longer stored.");
        await using var content = stored.Content;
        using var bytes = new MemoryStream();
        await stored.Content.CopyToAsync(bytes, ct);
        return new MailAttachment(stored.Name, stored.ContentType, bytes.ToArray());
    }

    /// <summary>The attachments a reply names, as stored for the inbox; an id it does not hold is a 400.</summary>
    private async Task<Outcome<IReadOnlyList<Attachment>>> Attachments(Inbox inbox, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count > AttachmentRules.MaxPerReply) return Problem.Invalid("attachmentIds", $"At most {AttachmentRules.MaxPerReply} attachments.");
        List<Attachment> found = [];
        long total = 0;
        foreach (var id in ids.Distinct())
        {
            if (!AttachmentRules.IsId(id)) return Problem.Invalid("attachmentIds", $"'{id}' is not an attachment id.");
            var stored = await attachments.Open(inbox.AccountId, inbox.Id, id, ct);
            if (stored is null) return Problem.Invalid("attachmentIds", $"The inbox has no attachment '{id}'; upload it first.");
            await stored.Content.DisposeAsync();
            if ((total += stored.Length) > AttachmentRules.MaxReplyBytes)
                return Problem.Invalid("attachmentIds", $"A reply's attachments may be {AttachmentRules.MaxReplyBytes / 1024 / 1024} MB together at most.");
            found.Add(new Attachment(stored.Name, stored.ContentType, AttachmentRules.Url(inbox.Id, id)));
        }

        return found;
    }

    /// <summary>Gmail's thread id, when the conversation is one of Gmail's threads (<see cref="ThreadRules.ThreadKey"/>).</summary>
    private static string? ProviderThreadId(Conversation conversation) =>
        conversation.ThreadKey.StartsWith(ThreadRules.EmailConversationPrefix, StringComparison.Ordinal)
            ? conversation.ThreadKey[ThreadRules.EmailConversationPrefix.Length..]
            : null;
}
