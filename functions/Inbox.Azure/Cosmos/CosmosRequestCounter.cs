using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>One request the client sent: what it did, to which resource, and whether it named a partition.</summary>
public sealed record CosmosRequest(string Method, string Resource, bool NamesPartition, bool IsQuery)
{
    public bool IsWrite => !IsQuery && Method is "POST" or "PUT" or "PATCH" or "DELETE";
}

/// <summary>
/// Counts the item requests the client sends — point operations, creates and queries, not its metadata reads — and
/// keeps the latest <see cref="Capacity"/> of them, for tests and diagnostics. It sits on every request of a running
/// app, so it holds totals and a bounded log, never every request.
/// </summary>
public sealed class CosmosRequestCounter : RequestHandler
{
    public const int Capacity = 1024;

    private ConcurrentQueue<CosmosRequest> requests = new();
    private long reads, writes, queries;

    /// <summary>The latest requests since <see cref="Reset"/>, oldest first (at most <see cref="Capacity"/>).</summary>
    public IReadOnlyList<CosmosRequest> Requests => [.. requests];

    /// <summary>Totals since the client was made.</summary>
    public long Reads => Interlocked.Read(ref reads);
    public long Writes => Interlocked.Read(ref writes);
    public long Queries => Interlocked.Read(ref queries);

    public void Reset() => requests = new ConcurrentQueue<CosmosRequest>();

    public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.OriginalString ?? "";
        // Item reads, replaces and deletes address ".../docs/{id}"; creates, upserts and queries are POSTs to the container.
        var onItems = path.Contains("/docs", StringComparison.Ordinal) ||
                      request.Method == HttpMethod.Post && path.TrimEnd('/').Split('/') is [.., "colls", _];
        if (onItems)
        {
            var isQuery = request.Headers["x-ms-documentdb-isquery"] is "True" or "true" || request.Headers.ContentType == "application/query+json";
            var namesPartition = !string.IsNullOrEmpty(request.Headers["x-ms-documentdb-partitionkey"]);
            var sent = new CosmosRequest(request.Method.Method, path, namesPartition, isQuery);
            if (sent.IsQuery) Interlocked.Increment(ref queries);
            else if (sent.IsWrite) Interlocked.Increment(ref writes);
            else Interlocked.Increment(ref reads);
            var log = requests;
            log.Enqueue(sent);
            while (log.Count > Capacity) log.TryDequeue(out _);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
