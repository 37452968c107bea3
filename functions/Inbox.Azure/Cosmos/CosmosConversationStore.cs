using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>
/// Conversations and their messages in <c>conversations</c>, partitioned by inbox: appending a message to a known
/// conversation is a point read, a create and a replace, all in one partition. Fields that queries filter or sort on
/// are copied to the top of the document.
/// </summary>
public sealed class CosmosConversationStore(CosmosContainers containers) : IConversationStore
{
    private const string ConversationType = "conversation";
    private const string MessageType = "message";

    /// <param name="WindowClosesAtMs">
    /// Messenger only: when the 7-day reply window closes (<see cref="MessengerWindowWatch.WatchedWindowEnd"/>), while the
    /// window watch still has something to do with it; <c>null</c> otherwise. Written with every replace, so keeping it
    /// costs the hot path nothing; the default indexing policy (every path, range) indexes it.
    /// </param>
    internal sealed record ConversationDocument(
        string Id, string InboxId, string Type, string Status, string? AssigneeId, long? AssignedAtMs, long LastMessageAtMs, long? WindowClosesAtMs,
        Conversation Conversation);

    internal sealed record MessageDocument(string Id, string InboxId, string Type, string ConversationId, long SentAtMs, Message Message);

    private static string StatusText(ConversationStatus status) => status == ConversationStatus.Open ? "open" : "closed";

    private static ConversationDocument ToDocument(Conversation c) => new(c.Id, c.InboxId, ConversationType, StatusText(c.Status), c.AssigneeId, c.AssignedAt?.ToUnixTimeMilliseconds(),
        c.LastMessageAt.ToUnixTimeMilliseconds(), MessengerWindowWatch.WatchedWindowEnd(c)?.ToUnixTimeMilliseconds(), c);

    private static Versioned<Conversation> Versioned(ItemResponse<ConversationDocument> response) =>
        new(response.Resource.Conversation, response.ETag);

    private Task<Container> Container() => containers.Get(CosmosContainers.Conversations);

    public async Task<Versioned<Conversation>?> Find(string inboxId, string conversationId, CancellationToken ct) =>
        await (await Container()).ReadOrNull<ConversationDocument>(conversationId, inboxId, ct) is { } read ? Versioned(read) : null;

    public async Task<Versioned<Conversation>> CreateOrGet(Conversation conversation, CancellationToken ct) =>
        Versioned(await (await Container()).CreateOrGet(ToDocument(conversation), conversation.Id, conversation.InboxId, ct));

    public async Task<Outcome<Versioned<Conversation>>> Replace(Conversation conversation, string ifMatch, CancellationToken ct)
    {
        var container = await Container();
        return await CosmosErrors.Guarded(
            async () => Versioned(await container.ReplaceItemAsync(ToDocument(conversation), conversation.Id,
                new PartitionKey(conversation.InboxId), new ItemRequestOptions { IfMatchEtag = ifMatch }, ct)),
            new Refusals(Missing: Problem.NotFound("The conversation"), Stale: Problem.StaleETag));
    }

    private static MessageDocument ToDocument(Message message) =>
        new(message.Id, message.InboxId, MessageType, message.ConversationId, message.SentAt.ToUnixTimeMilliseconds(), message);

    public async Task SaveMessage(Message message, CancellationToken ct) =>
        await (await Container()).UpsertItemAsync(ToDocument(message), new PartitionKey(message.InboxId),
            new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);

    // No response body needed: saves the bytes on the hot path.
    public async Task<bool> AddMessage(Message message, CancellationToken ct) =>
        await (await Container()).CreateIfAbsent(ToDocument(message), message.InboxId, new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);

    public async Task<Message?> FindMessage(string inboxId, string messageId, CancellationToken ct) =>
        (await (await Container()).ReadOrNull<MessageDocument>(messageId, inboxId, ct))?.Resource.Message;

    public async Task<IReadOnlyList<Message>> Messages(string inboxId, string conversationId, CancellationToken ct)
    {
        var query = new QueryDefinition(
                "SELECT * FROM c WHERE c.inboxId = @inboxId AND c.type = 'message' AND c.conversationId = @conversationId ORDER BY c.sentAtMs")
            .WithParameter("@inboxId", inboxId).WithParameter("@conversationId", conversationId);
        return [.. (await (await Container()).ReadAll<MessageDocument>(query, inboxId, ct)).Select(d => d.Message)];
    }

    public async Task<Page<Versioned<Conversation>>> List(
        string inboxId, ConversationFilter filter, int pageSize, string? continuationToken, CancellationToken ct)
    {
        var text = "SELECT * FROM c WHERE c.inboxId = @inboxId AND c.type = 'conversation'";
        if (filter.Status is not null) text += " AND c.status = @status";
        if (filter.AssigneeId is not null) text += " AND c.assigneeId = @assigneeId";
        var query = new QueryDefinition(text + " ORDER BY c.lastMessageAtMs DESC").WithParameter("@inboxId", inboxId);
        if (filter.Status is { } status) query = query.WithParameter("@status", StatusText(status));
        if (filter.AssigneeId is { } assignee) query = query.WithParameter("@assigneeId", assignee);
        var page = await (await Container()).ReadPage<Stored>(query, inboxId, pageSize, continuationToken, ct);
        return new Page<Versioned<Conversation>>([.. page.Items.Select(d => new Versioned<Conversation>(d.Conversation, d.ETag))], page.ContinuationToken);
    }

    public async Task<AssignmentLoad> AssignmentLoad(string inboxId, CancellationToken ct)
    {
        var container = await Container();
        var open = new QueryDefinition(
                "SELECT c.assigneeId FROM c WHERE c.inboxId = @inboxId AND c.type = 'conversation' AND c.status = 'open' AND c.assigneeId != null")
            .WithParameter("@inboxId", inboxId);
        var counts = (await container.ReadAll<Assigned>(open, inboxId, ct)).CountBy(row => row.AssigneeId).ToDictionary();

        var last = new QueryDefinition(
                "SELECT TOP 1 c.assigneeId FROM c WHERE c.inboxId = @inboxId AND c.type = 'conversation' AND c.assigneeId != null AND c.assignedAtMs != null ORDER BY c.assignedAtMs DESC")
            .WithParameter("@inboxId", inboxId);
        // An unassigned conversation keeps when it was last assigned: it is not the last one assigned.
        var lastAssigned = (await container.ReadPage<Assigned>(last, inboxId, 1, null, ct)).Items.FirstOrDefault()?.AssigneeId;
        return new AssignmentLoad(counts, lastAssigned);
    }

    public async Task<IReadOnlyList<Versioned<Conversation>>> WindowsClosingBetween(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // A range on an indexed top-level field: an index seek that reads only the matching conversations (messages carry
        // no such field). It names no partition key, so the SDK fans it out across the container's physical partitions,
        // one request per partition and page; the timer runs it a few times an hour, never the hot path. The bounds are
        // widened to whole milliseconds; the use case decides on the exact instants.
        var query = new QueryDefinition("SELECT * FROM c WHERE c.windowClosesAtMs >= @from AND c.windowClosesAtMs < @to")
            .WithParameter("@from", from.ToUnixTimeMilliseconds()).WithParameter("@to", Ceiling(to));
        using var iterator = (await Container()).GetItemQueryIterator<Stored>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 200 });
        List<Versioned<Conversation>> found = [];
        while (iterator.HasMoreResults)
        {
            foreach (var stored in await iterator.ReadNextAsync(ct)) found.Add(new Versioned<Conversation>(stored.Conversation, stored.ETag));
        }

        return found;
    }

    private static long Ceiling(DateTimeOffset instant) =>
        instant.ToUnixTimeMilliseconds() + (instant.UtcTicks % TimeSpan.TicksPerMillisecond == 0 ? 0 : 1);

    private sealed record Stored(Conversation Conversation, [property: System.Text.Json.Serialization.JsonPropertyName("_etag")] string ETag);

    private sealed record Assigned(string AssigneeId);
}
