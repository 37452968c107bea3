using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>The thread an event belongs to, and its conversation if we hold it.</summary>
public sealed class FindConversation(IConversationStore conversations) : DurableActivity<RouteRequest, FoundThread>
{
    public override async Task<FoundThread> Run(RouteRequest request, CancellationToken ct)
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
}
