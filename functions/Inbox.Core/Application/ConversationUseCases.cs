using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application;

/// <summary>A conversation as an agent opens it: with its messages, oldest first.</summary>
public sealed record ConversationWithMessages(Conversation Conversation, IReadOnlyList<Message> Messages);

/// <summary>What an agent asks for when assigning: a user, or nobody.</summary>
public sealed record AssigneeChange(string? AssigneeId);

/// <summary>
/// An agent's reply, sent through the channel the conversation came from; on e-mail it may carry files uploaded to the
/// inbox first (<c>POST …/attachments</c>), by their ids.
/// </summary>
public sealed record NewReply(string Text, IReadOnlyList<string>? AttachmentIds = null);

/// <summary>The agents' use cases: working an inbox's conversations, and reading tickets.</summary>
public sealed class ConversationUseCases(
    IInboxStore inboxes,
    IDirectoryStore directories,
    IConversationStore conversations,
    ITicketStore tickets,
    TimeProvider clock,
    MessengerReplies? messenger = null,
    EmailReplies? email = null)
{
    private static readonly Problem ConversationNotFound = Problem.NotFound("The conversation");
    private static readonly Problem TicketNotFound = Problem.NotFound("The ticket");
    private static readonly Problem NotAMember = new(ProblemKind.Forbidden, "Only members of the inbox can work its conversations.");

    public async Task<Outcome<Page<Versioned<Conversation>>>> List(
        Caller caller, string inboxId, ConversationFilter filter, int? pageSize, string? continuationToken, CancellationToken ct)
    {
        var size = PageRules.Size(pageSize);
        if (!size.IsSuccess) return size.Problem!;
        var visible = await Visible(caller, inboxId, ct);
        if (!visible.IsSuccess) return visible.Problem!;
        return await conversations.List(inboxId, filter, size.Value, continuationToken, ct);
    }

    public async Task<Outcome<Versioned<ConversationWithMessages>>> Get(Caller caller, string inboxId, string conversationId, CancellationToken ct)
    {
        var visible = await Visible(caller, inboxId, ct);
        if (!visible.IsSuccess) return visible.Problem!;
        if (await conversations.FindByRequest(inboxId, conversationId, ct) is not { } found) return ConversationNotFound;
        var messages = await conversations.Messages(inboxId, conversationId, ct);
        return new Versioned<ConversationWithMessages>(new ConversationWithMessages(found.Value, messages), found.ETag);
    }

    /// <summary>Assigns to a member of the inbox (see <see cref="AssignmentRules.ValidateAssignee"/>), or unassigns; a stale <c>If-Match</c> is a 412.</summary>
    public async Task<Outcome<Versioned<Conversation>>> Assign(
        Caller caller, string inboxId, string conversationId, AssigneeChange change, string? ifMatch, CancellationToken ct)
    {
        var acting = await Acting(caller, inboxId, ct);
        if (!acting.IsSuccess) return acting.Problem!;
        var (inbox, directory) = acting.Value;
        if (change.AssigneeId is { } id && AssignmentRules.ValidateAssignee(id, inbox, directory) is { IsValid: false } invalid)
            return Problem.Invalid(invalid.Errors);
        return await Change(inboxId, conversationId, ifMatch, c => ConversationRules.Assign(c, change.AssigneeId, clock.GetUtcNow()), ct);
    }

    public async Task<Outcome<Versioned<Conversation>>> Close(Caller caller, string inboxId, string conversationId, string? ifMatch, CancellationToken ct)
    {
        var acting = await Acting(caller, inboxId, ct);
        if (!acting.IsSuccess) return acting.Problem!;
        return await Change(inboxId, conversationId, ifMatch, c => ConversationRules.Close(c, clock.GetUtcNow()), ct);
    }

    public async Task<Outcome<Versioned<Conversation>>> Reopen(Caller caller, string inboxId, string conversationId, string? ifMatch, CancellationToken ct)
    {
        var acting = await Acting(caller, inboxId, ct);
        if (!acting.IsSuccess) return acting.Problem!;
        return await Change(inboxId, conversationId, ifMatch, ConversationRules.Reopen, ct);
    }

    /// <summary>
    /// Replies through the conversation's channel, within that channel's rules. Messenger sends at once: the reply is kept
    /// on the conversation either way, sent or failed with the reason, and a failure is also the answer's problem. E-mail
    /// is queued (<see cref="EmailReplies"/>): the answer is the reply as stored, queued, and its delivery follows.
    /// </summary>
    public async Task<Outcome<Message>> Reply(Caller caller, string inboxId, string conversationId, NewReply reply, CancellationToken ct)
    {
        var acting = await Acting(caller, inboxId, ct);
        if (!acting.IsSuccess) return acting.Problem!;
        if (await conversations.FindByRequest(inboxId, conversationId, ct) is not { } found) return ConversationNotFound;
        var conversation = found.Value;
        // A conversation outlives its channel: once the channel is disconnected there is nothing to reply through.
        if (acting.Value.Inbox.FindChannel(conversation.ChannelId) is not { } channel)
            return Problem.Conflict($"The {conversation.ChannelKind} channel of this conversation was disconnected: replies cannot be sent through it.");
        if (channel.Settings is EmailChannel team && email is not null)
            return await email.Queue(acting.Value.Inbox, acting.Value.Directory, caller.UserId, conversation, team, reply, ct);
        if (channel.Settings is not MessengerChannel page || messenger is null)
            return Problem.Conflict($"Replies on {conversation.ChannelKind} conversations are not supported yet.");
        if (reply.AttachmentIds is { Count: > 0 }) return Problem.Invalid("attachmentIds", "Attachments are sent on e-mail replies only.");

        var result = await messenger.Send(
            new MessengerReplyRequest(page.PageId, SecretNames.MessengerPageToken(acting.Value.Inbox.AccountId, conversation.ChannelId), conversation.SenderId, reply.Text, conversation.LastIncomingAt, ReplySender.Person), ct);
        var now = clock.GetUtcNow();
        var (id, delivery) = result switch
        {
            // The echo Meta sends back has this mid: routing finds the message stored and adds nothing.
            MessengerReplyResult.Sent sent => (Message.IdFor(ChannelKind.Messenger, sent.MessageId), new MessageDelivery(DeliveryStatus.Sent)),
            MessengerReplyResult.NotSent failed => (StableId.From("failed-reply", conversationId, now.ToString("O"), caller.UserId),
                new MessageDelivery(DeliveryStatus.Failed, failed.Kind.ToString(), failed.Problem.Title)),
            _ => throw new InvalidOperationException(),
        };
        if (result is MessengerReplyResult.NotSent { Kind: ReplyFailureKind.InvalidText } invalid) return invalid.Problem;

        var externalId = result is MessengerReplyResult.Sent s ? s.MessageId : id;
        var message = new Message(id, inboxId, conversationId, externalId, MessageDirection.Outgoing, caller.UserId, reply.Text, null, [], now, delivery);
        // Meta's echo of a sent reply may have been routed already: the reply, with its author and delivery, replaces it.
        await conversations.SaveMessage(message, ct);
        if (result is MessengerReplyResult.NotSent notSent) return notSent.Problem;
        await Change(inboxId, conversationId, null, c => ConversationRules.Replied(c, now), ct);
        return message;
    }

    public async Task<Outcome<Page<Ticket>>> ListTickets(Caller caller, int? pageSize, string? continuationToken, CancellationToken ct)
    {
        var size = PageRules.Size(pageSize);
        if (!size.IsSuccess) return size.Problem!;
        // Admins see every inbox of the account, so every ticket, those made before tickets recorded their inbox too.
        if (caller.IsAdmin) return await tickets.List(caller.AccountId, null, size.Value, continuationToken, ct);
        var visible = await VisibleInboxIds(caller, ct);
        // The store filters, so a page is full and its continuation resumes where it stopped.
        return visible.Count == 0 ? new Page<Ticket>([], null) : await tickets.List(caller.AccountId, visible, size.Value, continuationToken, ct);
    }

    /// <summary>A ticket is seen where its conversation is: one of an inbox the caller cannot see does not exist for it.</summary>
    public async Task<Outcome<Ticket>> GetTicket(Caller caller, string ticketId, CancellationToken ct)
    {
        if (await tickets.FindByRequest(caller.AccountId, ticketId, ct) is not { } ticket) return TicketNotFound;
        if (caller.IsAdmin) return ticket;
        return ticket.InboxId is { } inboxId && (await Visible(caller, inboxId, ct)).IsSuccess ? ticket : TicketNotFound;
    }

    private async Task<IReadOnlyList<string>> VisibleInboxIds(Caller caller, CancellationToken ct)
    {
        var directory = await directories.Load(caller.AccountId, ct);
        List<string> ids = [];
        string? token = null;
        do
        {
            var page = await inboxes.List(caller.AccountId, PageRules.MaxSize, token, ct);
            ids.AddRange(page.Items.Where(i => Access.CanSee(caller, i.Value, directory)).Select(i => i.Value.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        return ids;
    }

    /// <summary>
    /// With <c>If-Match</c> the change applies only to that version; without, it is re-read and retried on a race, since
    /// closing or assigning does not depend on what else changed meanwhile.
    /// </summary>
    private async Task<Outcome<Versioned<Conversation>>> Change(
        string inboxId, string conversationId, string? ifMatch, Func<Conversation, Conversation> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await conversations.FindByRequest(inboxId, conversationId, ct) is not { } current) return ConversationNotFound;
            var saved = await conversations.Replace(change(current.Value), ifMatch ?? current.ETag, ct);
            if (saved.IsSuccess || ifMatch is not null || saved.Problem!.Kind != ProblemKind.PreconditionFailed || attempt == 5) return saved;
        }
    }

    private async Task<Outcome<Inbox>> Visible(Caller caller, string inboxId, CancellationToken ct)
    {
        if (await inboxes.FindByRequest(caller.AccountId, inboxId, ct) is not { } inbox) return InboxUseCases.NotFound;
        if (caller.IsAdmin) return inbox.Value;
        return Access.CanSee(caller, inbox.Value, await directories.Load(caller.AccountId, ct)) ? inbox.Value : InboxUseCases.NotFound;
    }

    private Task<Outcome<(Inbox Inbox, AccountDirectory Directory)>> Acting(Caller caller, string inboxId, CancellationToken ct) =>
        Acting(inboxes, directories, caller, inboxId, ct);

    /// <summary>
    /// The inbox for a caller who works in it (<see cref="Access.CanAct"/>: replying, and uploading a reply's files): one
    /// who can see it but is no member is told so (403); to anyone else it does not exist (404).
    /// </summary>
    internal static async Task<Outcome<(Inbox Inbox, AccountDirectory Directory)>> Acting(
        IInboxStore inboxes, IDirectoryStore directories, Caller caller, string inboxId, CancellationToken ct)
    {
        if (await inboxes.FindByRequest(caller.AccountId, inboxId, ct) is not { } inbox) return InboxUseCases.NotFound;
        var directory = await directories.Load(caller.AccountId, ct);
        if (Access.CanAct(caller, inbox.Value, directory)) return (inbox.Value, directory);
        return Access.CanSee(caller, inbox.Value, directory) ? NotAMember : InboxUseCases.NotFound;
    }
}
