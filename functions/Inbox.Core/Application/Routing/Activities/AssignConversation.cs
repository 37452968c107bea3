using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>Assigns a conversation by its channel's assignment; a conversation keeps the owner it has.</summary>
public sealed class AssignConversation(IConversationStore conversations, IContactStore contacts, IDirectoryStore directories, TimeProvider clock)
    : DurableActivity<ConversationRef, string?>
{
    /// <returns>The assignee; <c>null</c> when nobody could be assigned.</returns>
    public override async Task<string?> Run(ConversationRef request, CancellationToken ct)
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
}
