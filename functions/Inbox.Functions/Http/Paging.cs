using InboxServerless.Core.Domain;
using Microsoft.AspNetCore.Http;

namespace InboxServerless.Functions.Http;

/// <summary>The query of a listing: <c>pageSize</c> and <c>continuationToken</c>, read together so a trigger lists in one step.</summary>
public static class Paging
{
    /// <summary>
    /// Lists the page the request asks for: its size as a whole number (<c>null</c> when not given; the use case decides
    /// its bounds, see <c>PageRules</c>) and the store's token behind its continuation token (see <see cref="ContinuationTokens"/>).
    /// </summary>
    public static Task<Outcome<Page<T>>> Page<T>(this HttpRequest request, Func<int?, string?, Task<Outcome<Page<T>>>> list) =>
        request.QueryInt("pageSize").Then(size => ContinuationTokens.Reading(request.Query("continuationToken"), token => list(size, token)));

    /// <summary>As <see cref="Page{T}"/>, for a listing narrowed by a filter read from the request: a bad filter is told first.</summary>
    public static Task<Outcome<Page<T>>> Page<TFilter, T>(
        this HttpRequest request, Outcome<TFilter> filter, Func<TFilter, int?, string?, Task<Outcome<Page<T>>>> list) =>
        filter.Then(f => request.Page((size, token) => list(f, size, token)));
}
