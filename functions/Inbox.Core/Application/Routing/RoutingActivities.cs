using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Channels.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application;

public sealed record RouteRequest(InboundEvent Event, RouteTarget Target);

/// <summary>The thread an event belongs to, and its conversation if it exists (with the ETag to update it by).</summary>
public sealed record FoundThread(string ConversationId, string ThreadKey, Conversation? Existing, string? ETag);

public sealed record AppendRequest(InboundEvent Event, RouteTarget Target, FoundThread Thread, string? ContactId);

public sealed record Appended(Conversation Conversation, bool IsNewConversation, bool IsNewMessage);

public sealed record ConversationRef(RouteTarget Target, string ConversationId);

public sealed record TicketOutcome(string? TicketId, string? Note);

/// <summary>
/// The steps of routing one inbound event, each an activity of <see cref="RouteInboundEvent"/>. Every step is
/// idempotent: run twice (a retried activity, a redelivered event) it changes nothing the second time.
/// </summary>
public sealed class RoutingActivities(
    ChannelResolver resolver,
    IContactStore contacts,
    IConversationStore conversations,
    ITicketStore tickets,
    IDirectoryStore directories,
    IMailSender mail,
    ISlackNotifier slack,
    ISecretStore secrets,
    TimeProvider clock,
    MessengerReplies? messenger = null,
    int maxTicketsPerContact = TicketRules.MaxTicketsPerContact)
{
    /// <summary>The answers to the consent question: the payloads of its quick replies, or the words themselves.</summary>
    public const string ConsentYes = "CONSENT_YES";
    public const string ConsentNo = "CONSENT_NO";

    public Task<RouteTarget?> ResolveChannel(string bindingKey, CancellationToken ct) => resolver.Resolve(bindingKey, ct);

    public async Task<FoundThread> FindConversation(RouteRequest request, CancellationToken ct)
    {
        var (e, target) = request;
        foreach (var reference in ThreadRules.EmailReferences(e))
        {
            // An e-mail answering one we hold joins that one's conversation.
            if (await conversations.FindMessage(target.InboxId, Message.IdFor(ChannelKind.Email, reference), ct) is { } earlier &&
                await conversations.Find(target.InboxId, earlier.ConversationId, ct) is { } thread)
                return new FoundThread(thread.Value.Id, thread.Value.ThreadKey, thread.Value, thread.ETag);
        }

        var threadKey = ThreadRules.ThreadKey(e);
        var id = Conversation.IdFor(target.InboxId, threadKey);
        var found = await conversations.Find(target.InboxId, id, ct);
        return new FoundThread(id, threadKey, found?.Value, found?.ETag);
    }

    /// <returns>The contact's id; <c>null</c> for an unknown sender on a channel that makes no contacts.</returns>
    public async Task<string?> FindOrCreateContact(RouteRequest request, CancellationToken ct)
    {
        var (e, target) = request;
        var key = ThreadRules.ContactKeyOf(e, target.ExternalId);
        var id = key.ContactId(target.AccountId);
        if (await contacts.Find(target.AccountId, id, ct) is { } known) return known.Id;
        if (!target.Routing.CreateContacts) return null;
        var contact = new Contact(id, target.AccountId, [key.Value], e.Sender.Email, e.Sender.Name, null, clock.GetUtcNow());
        return (await contacts.CreateOrGet(contact, ct)).Id;
    }

    public async Task<Appended> AppendMessage(AppendRequest request, CancellationToken ct)
    {
        var (e, target, thread, contactId) = request;
        var isNew = thread.Existing is null;
        var current = isNew
            ? await conversations.CreateOrGet(NewConversation(e, target, thread, contactId), ct)
            : new Versioned<Conversation>(thread.Existing!, thread.ETag!);

        var message = MessageOf(e, target.InboxId, current.Value.Id);
        var added = message is not null && await conversations.AddMessage(message, ct);
        var applied = await Record(current, c => Apply(c, e), ct);
        return new Appended(applied.Value, isNew, added);
    }

    public async Task<string?> AssignConversation(ConversationRef request, CancellationToken ct)
    {
        var (target, conversationId) = request;
        var current = await conversations.Find(target.InboxId, conversationId, ct);
        if (current is null) return null;
        if (current.Value.AssigneeId is { } kept) return kept; // a conversation keeps its owner

        var directory = await directories.Load(target.AccountId, ct);
        var contact = current.Value.ContactId is { } contactId ? await contacts.Find(target.AccountId, contactId, ct) : null;
        var candidates = AssignmentRules.Candidates(target.Routing.Assignment, directory, contact);
        if (candidates.Count == 0) return null;

        var load = await conversations.AssignmentLoad(target.InboxId, ct);
        var assignee = AssignmentRules.Choose(candidates, _ => true, load.OpenConversations, load.LastAssigned);
        if (assignee is null) return null;
        var saved = await conversations.Replace(
            current.Value with { AssigneeId = assignee, AssignedAt = clock.GetUtcNow() }, current.ETag, ct);
        // Lost a race with another writer: throw, so the activity's retry decides again on fresh state.
        return saved.IsSuccess ? assignee : throw new InvalidOperationException($"Conversation {conversationId} changed while assigning.");
    }

    public async Task<TicketOutcome> CreateTicket(ConversationRef request, CancellationToken ct)
    {
        var (target, conversationId) = request;
        if (target.Routing.Tickets is not { } defaults) return new TicketOutcome(null, null);
        var current = await conversations.Find(target.InboxId, conversationId, ct);
        if (current is null) return new TicketOutcome(null, null);
        if (current.Value.TicketId is { } existing) return new TicketOutcome(existing, null);
        if (current.Value.ContactId is not { } contactId) return await Note(current, "No ticket was created: the sender is not a contact.", ct);

        var ticketId = Ticket.IdFor(conversationId);
        // The ticket may exist from an earlier attempt that stopped before recording it on the conversation.
        if (await tickets.Find(target.AccountId, ticketId, ct) is null &&
            await tickets.CountForContact(target.AccountId, contactId, ct) >= maxTicketsPerContact)
            return await Note(current, TicketRules.LimitReachedNote(maxTicketsPerContact), ct);

        await tickets.CreateOrGet(new Ticket(ticketId, target.AccountId, conversationId, contactId, defaults.Pipeline, defaults.Status,
            defaults.Priority, defaults.OwnerId, clock.GetUtcNow()) { InboxId = target.InboxId }, ct);
        var saved = await conversations.Replace(current.Value with { TicketId = ticketId }, current.ETag, ct);
        return saved.IsSuccess ? new TicketOutcome(ticketId, null) : throw new InvalidOperationException($"Conversation {conversationId} changed.");
    }

    /// <summary>
    /// Tells the inbox's fallback address and Slack channel that nobody was assigned: each once per conversation, marked
    /// only once it went out, so a retry (or the opening event redelivered) sends what was not sent and nothing twice. A
    /// transient failure throws, for the activity's retry; a permanent one (Slack refused it, the address is refused) is
    /// recorded on the conversation and not tried again.
    /// </summary>
    /// <returns><c>true</c> when something was sent.</returns>
    public async Task<bool> NotifyUnassigned(ConversationRef request, CancellationToken ct)
    {
        var (target, conversationId) = request;
        var current = await conversations.Find(target.InboxId, conversationId, ct);
        if (current is null || current.Value.AssigneeId is not null) return false;
        var c = current.Value;
        var email = c.FallbackEmailNotifiedAt is null ? target.Notifications.FallbackEmail : null;
        var slackDue = c.SlackNotifiedAt is null && c.SlackNoticeFailedAt is null && target.Notifications.Slack.Configured;
        if (email is null && !slackDue) return false;

        var text = $"A new conversation in {target.InboxName} could not be assigned to anyone (from {c.SenderId}).";
        if (email is not null)
        {
            await mail.Send(new OutgoingMail(email, $"Unassigned conversation in {target.InboxName}", text), ct);
            // Recorded before Slack is tried: a Slack failure retried must not mail again.
            current = await Record(current, x => x with { FallbackEmailNotifiedAt = clock.GetUtcNow() }, ct);
        }

        if (slackDue)
        {
            // The URL is a credential: only the secret store holds it. Removed meanwhile: nothing to post to, for good.
            var webhook = await secrets.Get(SecretNames.SlackWebhook(target.InboxId), ct);
            var posted = webhook is null
                ? new SlackPostResult("The inbox's Slack webhook is no longer set.")
                : await slack.Post(webhook, text, ct); // a transient failure throws: the activity is retried
            current = await Record(current, x => posted.IsSent
                ? x with { SlackNotifiedAt = clock.GetUtcNow() }
                : x with { SlackNoticeFailedAt = clock.GetUtcNow(), RoutingNote = $"Nobody could be assigned, and the Slack notice failed: {posted.Failure}" }, ct);
        }

        if (current.Value.SlackNoticeFailedAt is null)
            await Record(current, x => x with { RoutingNote = x.RoutingNote ?? "Nobody could be assigned; the inbox's fallback contacts were notified." }, ct);
        return true;
    }

    /// <summary>
    /// Applies a change to the conversation whatever else changed it meanwhile (re-read and applied again on a lost race):
    /// an event's effect, or what was sent, which must be recorded rather than fail and be sent again.
    /// </summary>
    private async Task<Versioned<Conversation>> Record(Versioned<Conversation> current, Func<Conversation, Conversation> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var next = change(current.Value);
            if (next == current.Value) return current;
            var saved = await conversations.Replace(next, current.ETag, ct);
            if (saved.IsSuccess) return saved.Value!;
            if (attempt == 5) throw new InvalidOperationException($"Conversation {current.Value.Id} kept changing: {saved.Problem!.Title}");
            current = await conversations.Find(current.Value.InboxId, current.Value.Id, ct)
                ?? throw new InvalidOperationException($"Conversation {current.Value.Id} disappeared.");
        }
    }

    /// <summary>
    /// Sends a new Messenger conversation the channel's instant reply, then its consent text (the implicit notice, or the
    /// explicit question with Yes/No quick replies); once per conversation. These are automation, so only within the
    /// standard 24-hour window. The first message that cannot go out ends the greeting: the rest is not tried, the failure
    /// is noted on the conversation once and <see cref="Conversation.GreetingFailedAt"/> set, so nothing is tried again
    /// (a redelivered event finds it). <see cref="Conversation.GreetedAt"/> is set only when a message went out.
    /// </summary>
    /// <returns><c>true</c> when the whole greeting went out.</returns>
    public async Task<bool> GreetNewConversation(ConversationRef request, CancellationToken ct)
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
        await Record(current, c => c with { GreetedAt = greetedAt, GreetingFailedAt = failedAt, RoutingNote = failure ?? c.RoutingNote }, ct);
        return failure is null;
    }

    /// <summary>Records a contact's answer to the consent question: a quick reply's payload, or a plain yes or no.</summary>
    public async Task<bool> RecordConsent(RouteRequest request, CancellationToken ct)
    {
        var (e, target) = request;
        var answer = ConsentAnswer(e);
        if (answer is null) return false;
        var contactId = ThreadRules.ContactKeyOf(e, target.ExternalId).ContactId(target.AccountId);
        if (await contacts.Find(target.AccountId, contactId, ct) is not { Consent: not null } contact || contact.Consent == answer) return false;
        await contacts.Save(contact with { Consent = answer }, ct);
        return true;
    }

    public static ConsentStatus? ConsentAnswer(InboundEvent e) => (e.Content.Payload ?? e.Content.Text?.Trim().ToUpperInvariant()) switch
    {
        ConsentYes or "YES" => ConsentStatus.Given,
        ConsentNo or "NO" => ConsentStatus.Refused,
        _ => null,
    };

    private async Task<TicketOutcome> Note(Versioned<Conversation> current, string note, CancellationToken ct)
    {
        var saved = await conversations.Replace(current.Value with { RoutingNote = note }, current.ETag, ct);
        return saved.IsSuccess ? new TicketOutcome(null, note) : throw new InvalidOperationException($"Conversation {current.Value.Id} changed.");
    }

    private static Conversation NewConversation(InboundEvent e, RouteTarget target, FoundThread thread, string? contactId) => new()
    {
        Id = thread.ConversationId,
        AccountId = target.AccountId,
        InboxId = target.InboxId,
        ChannelId = target.ChannelId,
        ChannelKind = target.Kind,
        ThreadKey = thread.ThreadKey,
        ContactId = contactId,
        SenderId = e.Sender.Email ?? e.Sender.Id,
        Subject = e.Content.Subject,
        CreatedAt = e.SentAt,
        LastMessageAt = e.SentAt,
        OpenedBy = e.ExternalId,
    };

    private static Message? MessageOf(InboundEvent e, string inboxId, string conversationId) => e.Type switch
    {
        InboundEventType.Read or InboundEventType.Delivery => null,
        _ => new Message(Message.IdFor(e.Channel, e.ExternalId), inboxId, conversationId, e.ExternalId,
            e.Type == InboundEventType.Echo ? MessageDirection.Outgoing : MessageDirection.Incoming,
            // An echo is the page's own message to the person: its author is not the contact.
            e.Type == InboundEventType.Echo ? null : e.Sender.Email ?? e.Sender.Id,
            e.Content.Text ?? e.Content.Payload, e.Content.Html, e.Content.Attachments, e.SentAt),
    };

    /// <summary>
    /// What an event changes on its conversation. Only maxima and a reopen by time, so applying events in any order, or
    /// one of them twice, gives the same conversation: out-of-order delivery is applied as if in order.
    /// </summary>
    private static Conversation Apply(Conversation c, InboundEvent e)
    {
        if (e.Type == InboundEventType.Delivery) return c;
        if (e.Type == InboundEventType.Read) return c with { ReadByContactUpTo = Later(c.ReadByContactUpTo, e.SentAt) };
        var incoming = e.Type != InboundEventType.Echo;
        var reopens = incoming && c.Status == ConversationStatus.Closed && e.SentAt > c.ClosedAt;
        return c with
        {
            LastMessageAt = Later(c.LastMessageAt, e.SentAt)!.Value,
            LastIncomingAt = incoming ? Later(c.LastIncomingAt, e.SentAt) : c.LastIncomingAt,
            // A newer message from the person opens a new window.
            WindowClosedAt = incoming && e.SentAt > (c.LastIncomingAt ?? DateTimeOffset.MinValue) ? null : c.WindowClosedAt,
            Status = reopens ? ConversationStatus.Open : c.Status,
            ClosedAt = reopens ? null : c.ClosedAt,
        };
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x >= b ? x : b;
}
