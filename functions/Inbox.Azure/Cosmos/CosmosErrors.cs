using System.Net;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>
/// What Cosmos refusing a point write means to the port: the id or unique key is taken (409), the item is missing (404),
/// the ETag is stale (412). A refusal left <c>null</c> is not expected here, and is thrown as it is.
/// </summary>
internal sealed record Refusals(Problem? Taken = null, Problem? Missing = null, Problem? Stale = null)
{
    public Problem? For(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Conflict => Taken,
        HttpStatusCode.NotFound => Missing,
        HttpStatusCode.PreconditionFailed => Stale,
        _ => null,
    };
}

/// <summary>
/// The one translation of Cosmos's errors into the ports' terms: the stores catch no <see cref="CosmosException"/> of
/// their own, and nothing outside this adapter sees one.
/// </summary>
internal static class CosmosErrors
{
    /// <summary>A write whose refusals are answers for the caller (a name taken, a stale ETag), not failures.</summary>
    public static async Task<Outcome<T>> Guarded<T>(Func<Task<T>> write, Refusals refusals)
    {
        try
        {
            return await write();
        }
        catch (CosmosException e) when (refusals.For(e.StatusCode) is { } problem)
        {
            return problem;
        }
    }

    /// <summary>The operation's answer, or <paramref name="otherwise"/>'s when Cosmos answers <paramref name="status"/>.</summary>
    public static async Task<T> Otherwise<T>(Func<Task<T>> operation, HttpStatusCode status, Func<Task<T>> otherwise)
    {
        try
        {
            return await operation();
        }
        catch (CosmosException e) when (e.StatusCode == status)
        {
            return await otherwise();
        }
    }

    public static Task<T> Otherwise<T>(Func<Task<T>> operation, HttpStatusCode status, T otherwise) =>
        Otherwise(operation, status, () => Task.FromResult(otherwise));

    /// <summary>
    /// A query page read from a continuation token that came from outside: a token Cosmos cannot read (400) is the
    /// caller's mistake, <see cref="UnreadableContinuationToken"/>.
    /// </summary>
    public static async Task<T> ReadingToken<T>(string? continuationToken, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (CosmosException e) when (continuationToken is not null && e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new UnreadableContinuationToken(e);
        }
    }
}

/// <summary>Which failures of a store call mean the store is out (try again later), as opposed to a bug of ours.</summary>
public static class StoreFailures
{
    /// <summary>
    /// Cosmos timing out (408), throttling past its retries (429), failing (5xx) or gone (410), and the wire failing under
    /// it (connection refused, reset, a timeout): a 503 to the caller, who tries again.
    /// </summary>
    public static bool IsOutage(Exception e) => e switch
    {
        CosmosException c => (int)c.StatusCode is 408 or 410 or 429 or >= 500,
        // Blob storage (attachments), by the same measure; 0 is no answer at all.
        global::Azure.RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsOutage),
        _ => e.InnerException is { } inner && IsOutage(inner),
    };
}
