using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>The routing steps' one way to record a change that must not be lost to a concurrent writer.</summary>
internal static class ConversationRecording
{
    /// <summary>
    /// Applies a change to the conversation whatever else changed it meanwhile (re-read and applied again on a lost race):
    /// an event's effect, or what was sent, which must be recorded rather than fail and be sent again.
    /// </summary>
    public static async Task<Versioned<Conversation>> Record(
        this IConversationStore conversations, Versioned<Conversation> current, Func<Conversation, Conversation> change, CancellationToken ct)
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
}
