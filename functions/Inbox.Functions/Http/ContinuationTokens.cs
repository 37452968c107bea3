using System.Net;
using InboxServerless.Core.Domain;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Functions.Http;

/// <summary>
/// A page's <c>continuationToken</c> is the store's own, handed through. One it cannot read (made up, cut, from another
/// list) is the client's mistake: a 400 naming it, not a server error.
/// </summary>
public static class ContinuationTokens
{
    public static async Task<Outcome<T>> Reading<T>(string? continuationToken, Func<string?, Task<Outcome<T>>> list)
    {
        try
        {
            return await list(continuationToken);
        }
        catch (CosmosException e) when (continuationToken is not null && e.StatusCode == HttpStatusCode.BadRequest)
        {
            return Problem.Invalid("continuationToken", "Not a continuation token of this list; start again from the first page.");
        }
    }
}
