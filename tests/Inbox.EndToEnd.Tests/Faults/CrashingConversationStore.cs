using System.Collections.Concurrent;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.EndToEnd.Tests.Faults;

/// <summary>Which writes crash after they are done: each chosen key (a message, a conversation) crashes once.</summary>
public sealed class StoreCrashes
{
    private readonly ConcurrentDictionary<string, bool> crashed = new();

    /// <summary>Picks the writes to crash after, by the key of what they write; null crashes none.</summary>
    public Func<string, bool>? After { get; set; }

    public int Count => crashed.Count;

    public void Reset()
    {
        After = null;
        crashed.Clear();
    }

    /// <summary>Call once the write is done: throws, as a process dying there would, the first time for a chosen key.</summary>
    internal void Check(string operation, string key)
    {
        if (After?.Invoke(key) == true && crashed.TryAdd($"{operation} {key}", true))
            throw new InvalidOperationException($"Crashed after {operation} of {key} (test fault).");
    }
}

/// <summary>
/// The real conversation store, whose writes may crash after they are stored: the activity fails with its side effect
/// made, and its retry must find the work done, not do it twice.
/// </summary>
public sealed class CrashingConversationStore(IConversationStore store, StoreCrashes crashes) : IConversationStore
{
    public async Task<Versioned<Conversation>> CreateOrGet(Conversation conversation, CancellationToken ct)
    {
        var created = await store.CreateOrGet(conversation, ct);
        crashes.Check(nameof(CreateOrGet), conversation.Id);
        return created;
    }

    public async Task<Outcome<Versioned<Conversation>>> Replace(Conversation conversation, string ifMatch, CancellationToken ct)
    {
        var replaced = await store.Replace(conversation, ifMatch, ct);
        // Keyed by the version replaced: the retry replaces a newer one, so it may crash again, as a flaky host would.
        if (replaced.IsSuccess) crashes.Check(nameof(Replace), $"{conversation.Id} {ifMatch}");
        return replaced;
    }

    public async Task<bool> AddMessage(Message message, CancellationToken ct)
    {
        var added = await store.AddMessage(message, ct);
        crashes.Check(nameof(AddMessage), message.Id);
        return added;
    }

    public Task<Versioned<Conversation>?> Find(string inboxId, string conversationId, CancellationToken ct) => store.Find(inboxId, conversationId, ct);

    public Task SaveMessage(Message message, CancellationToken ct) => store.SaveMessage(message, ct);

    public Task<Message?> FindMessage(string inboxId, string messageId, CancellationToken ct) => store.FindMessage(inboxId, messageId, ct);

    public Task<IReadOnlyList<Message>> Messages(string inboxId, string conversationId, CancellationToken ct) =>
        store.Messages(inboxId, conversationId, ct);

    public Task<Page<Versioned<Conversation>>> List(
        string inboxId, ConversationFilter filter, int pageSize, string? continuationToken, CancellationToken ct) =>
        store.List(inboxId, filter, pageSize, continuationToken, ct);

    public Task<AssignmentLoad> AssignmentLoad(string inboxId, CancellationToken ct) => store.AssignmentLoad(inboxId, ct);

    public Task<IReadOnlyList<Versioned<Conversation>>> WindowsClosingBetween(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        store.WindowsClosingBetween(from, to, ct);
}
