using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>One request the client sent: what it did, to which resource, and whether it named a partition.</summary>
public sealed record CosmosRequest(string Method, string Resource, bool NamesPartition, bool IsQuery);

/// <summary>
/// Records the item requests the client sends — point operations, creates and queries, not its metadata reads — for
/// tests and diagnostics.
/// </summary>
public sealed class CosmosRequestCounter : RequestHandler
{
    private ConcurrentQueue<CosmosRequest> requests = new();

    public IReadOnlyList<CosmosRequest> Requests => [.. requests];

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
            requests.Enqueue(new CosmosRequest(request.Method.Method, path, namesPartition, isQuery));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
