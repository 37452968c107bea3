using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace InboxServerless.EndToEnd.Tests.Faults;

/// <summary>What the fake wire does with one Cosmos data-plane request.</summary>
public enum WireFault
{
    None,

    /// <summary>429 with <c>x-ms-retry-after-ms</c>, as a partition out of request units answers; nothing is written.</summary>
    Throttle,

    /// <summary>503, as a gateway that cannot reach the partition answers; nothing is written.</summary>
    Unavailable,

    /// <summary>The request reaches Cosmos (a write is applied), then the answer never comes back before the timeout.</summary>
    Stall,

    /// <summary>400, as Cosmos answers a request it cannot take (a bug of ours, not an outage); nothing is written.</summary>
    Reject,
}

/// <summary>
/// The faults a scenario injects at the Cosmos SDK's HTTP boundary, and what they did. <see cref="Decide"/> sees every
/// data-plane request (items, queries; not the query plans or the metadata the SDK reads) and picks its fault.
/// </summary>
public sealed class CosmosWireFaults
{
    private readonly ConcurrentDictionary<WireFault, int> injected = new();
    private readonly ConcurrentDictionary<string, (long At, TimeSpan RetryAfter)> throttled = new();
    private readonly ConcurrentQueue<(TimeSpan Asked, TimeSpan Waited)> retriesAfterThrottle = new();

    public Func<DataPlaneRequest, WireFault>? Decide { get; set; }

    /// <summary>The wait a 429 asks for.</summary>
    public Func<TimeSpan> RetryAfter { get; set; } = () => TimeSpan.FromMilliseconds(100);

    public int Injected(WireFault fault) => injected.GetValueOrDefault(fault);

    /// <summary>For each throttled request sent again: the wait its 429 asked for, and how long the client waited.</summary>
    public IReadOnlyList<(TimeSpan Asked, TimeSpan Waited)> RetriesAfterThrottle => [.. retriesAfterThrottle];

    public void Reset()
    {
        Decide = null;
        injected.Clear();
        throttled.Clear();
        retriesAfterThrottle.Clear();
    }

    internal WireFault Next(DataPlaneRequest request)
    {
        // The same operation sent again after a 429: one activity id (the SDK keeps it across its retries), verb and address.
        if (throttled.TryRemove(request.Key, out var earlier))
            retriesAfterThrottle.Enqueue((earlier.RetryAfter, Stopwatch.GetElapsedTime(earlier.At)));
        var fault = Decide?.Invoke(request) ?? WireFault.None;
        if (fault != WireFault.None) injected.AddOrUpdate(fault, 1, (_, n) => n + 1);
        return fault;
    }

    internal void Throttled(DataPlaneRequest request, TimeSpan retryAfter) => throttled[request.Key] = (Stopwatch.GetTimestamp(), retryAfter);
}

/// <summary>A data-plane request as the fault rules see it.</summary>
public sealed record DataPlaneRequest(string Method, string Path, bool IsWrite, string ActivityId)
{
    internal string Key => $"{ActivityId} {Method} {Path}";
}

/// <summary>
/// Sits between the Cosmos SDK and its transport (the product's <c>CosmosTransportWrapper</c>) and answers as Cosmos
/// documents it: an error body <c>{"code","message"}</c> as JSON, <c>x-ms-activity-id</c> echoed, <c>x-ms-substatus</c>,
/// <c>x-ms-request-charge</c>, and for 429 <c>x-ms-retry-after-ms</c>.
/// </summary>
public sealed class FaultyCosmosTransport(CosmosWireFaults faults) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (DataPlane(request) is not { } dataPlane) return await base.SendAsync(request, cancellationToken);

        switch (faults.Next(dataPlane))
        {
            case WireFault.Throttle:
                var retryAfter = faults.RetryAfter();
                faults.Throttled(dataPlane, retryAfter);
                return Error(request, HttpStatusCode.TooManyRequests, "TooManyRequests",
                    "Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later.",
                    subStatus: 3200, retryAfter);
            case WireFault.Unavailable:
                return Error(request, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable",
                    "Service is currently unavailable. Please retry.", subStatus: 0, retryAfter: null);
            case WireFault.Reject:
                return Error(request, HttpStatusCode.BadRequest, "BadRequest", "One of the specified inputs is invalid", subStatus: 0, retryAfter: null);
            case WireFault.Stall:
                using (await base.SendAsync(request, cancellationToken))
                {
                    // Applied, and the answer lost: only the client's timeout ends the wait.
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    throw new UnreachableException();
                }

            default:
                return await base.SendAsync(request, cancellationToken);
        }
    }

    private static DataPlaneRequest? DataPlane(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        if (!path.Contains("/docs", StringComparison.Ordinal) || Header(request, "x-ms-cosmos-is-query-plan-request") is "True" or "true")
            return null;
        var isQuery = Header(request, "x-ms-documentdb-isquery") is "True" or "true" ||
                      request.Content?.Headers.ContentType?.MediaType == "application/query+json";
        var isWrite = request.Method != HttpMethod.Get && !isQuery;
        return new DataPlaneRequest(request.Method.Method, path, isWrite, Header(request, "x-ms-activity-id") ?? "");
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static HttpResponseMessage Error(
        HttpRequestMessage request, HttpStatusCode status, string code, string message, int subStatus, TimeSpan? retryAfter)
    {
        var body = $$"""{"code":"{{code}}","message":"Message: {\"Errors\":[\"{{message}}\"]}"}""";
        var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent(body, Encoding.UTF8, "application/json") };
        response.Headers.Add("x-ms-activity-id", Header(request, "x-ms-activity-id") ?? Guid.NewGuid().ToString());
        response.Headers.Add("x-ms-substatus", subStatus.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("x-ms-request-charge", "0");
        if (retryAfter is { } wait)
            response.Headers.Add("x-ms-retry-after-ms", ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        return response;
    }
}
