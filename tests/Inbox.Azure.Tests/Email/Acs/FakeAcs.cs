using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using InboxServerless.Azure.Email.Acs;

namespace InboxServerless.Azure.Tests.Email.Acs;

/// <summary>
/// Azure Communication Services Email at its HTTP boundary (docs/wire-contracts.md#azure-communication-services-email), as
/// an <see cref="HttpMessageHandler"/>. It checks each request's authentication on its own: the HMAC signature recomputed
/// from the documented string to sign with its access key (401 to a wrong one), or the bearer token it expects. A send
/// with an Operation-Id it already holds answers that operation again, sending nothing new. Each operation goes through
/// <see cref="Statuses"/>, one per poll.
/// </summary>
public sealed class FakeAcs(TimeProvider clock) : HttpMessageHandler
{
    public const string Endpoint = "https://fake-acs.communication.azure.com";

    private readonly ConcurrentDictionary<string, Operation> operations = new();
    private readonly ConcurrentQueue<Func<CancellationToken, Task<HttpResponseMessage>>> nextSendAnswers = new();

    public byte[] AccessKey { get; } = RandomNumberGenerator.GetBytes(32);

    public string ConnectionString => $"endpoint={Endpoint}/;accesskey={Convert.ToBase64String(AccessKey)}";

    /// <summary>When set, requests must carry <c>Authorization: Bearer</c> with this token instead of an HMAC signature.</summary>
    public string? ExpectedToken { get; init; }

    /// <summary>The statuses a new operation reports: the send's answer, then one per poll (the last one stays).</summary>
    public IReadOnlyList<string> Statuses { get; set; } = ["Running", "Succeeded"];

    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Every request that reached the fake, authenticated or not.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The e-mails accepted, one per operation: each is one message ACS would deliver.</summary>
    public IReadOnlyList<JsonObject> Emails => [.. operations.Values.OrderBy(o => o.Order).Select(o => o.Email)];

    public IReadOnlyList<Received> Sends => [.. Requests.Where(r => r.Method == "POST")];

    /// <summary>The next send is answered so (a 503, a 429, an answer that never comes) instead of normally.</summary>
    public void AnswerNextSend(Func<CancellationToken, Task<HttpResponseMessage>> answer) => nextSendAnswers.Enqueue(answer);

    public void AnswerNextSend(HttpStatusCode status, string? retryAfter = null, string? errorCode = null) => AnswerNextSend(_ =>
    {
        var response = Error(status, errorCode ?? status.ToString(), $"Answered {(int)status} by the test.");
        if (retryAfter is not null) response.Headers.TryAddWithoutValidation("retry-after", retryAfter);
        return Task.FromResult(response);
    });

    /// <summary>The next send is accepted (the e-mail will go) but its answer never comes back.</summary>
    public void AcceptNextSendButHang() => Interlocked.Exchange(ref hangAfterAccepting, 1);

    private int hangAfterAccepting;

    public HttpPipelineTransport Transport => new HttpClientTransport(new HttpClient(this));

    public AcsEmailOptions Options(Action<AcsEmailOptions>? change = null)
    {
        var options = new AcsEmailOptions
        {
            ConnectionString = ExpectedToken is null ? ConnectionString : null,
            Endpoint = ExpectedToken is null ? null : Endpoint,
            SenderAddress = "DoNotReply@0a1b2c3d.azurecomm.net",
            VerifiedDomains = ["contoso.com"],
            RetryDelay = TimeSpan.FromMilliseconds(1),
        };
        change?.Invoke(options);
        return options;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        var received = new Received(request.Method.Method, request.RequestUri!.PathAndQuery,
            request.Headers.TryGetValues("Operation-Id", out var ids) ? ids.Single() : null,
            request.Headers.Authorization?.ToString(), body);
        Requests.Enqueue(received);
        if (Unauthenticated(request, body) is { } refused) return refused;
        if (request.RequestUri.Query != "?api-version=2023-03-31") return Error(HttpStatusCode.BadRequest, "InvalidApiVersion", "api-version must be 2023-03-31.");

        if (request.Method == HttpMethod.Post && request.RequestUri.AbsolutePath == "/emails:send") return await Send(received, ct);
        const string operationsPath = "/emails/operations/";
        if (request.Method == HttpMethod.Get && request.RequestUri.AbsolutePath.StartsWith(operationsPath, StringComparison.Ordinal))
        {
            var id = Uri.UnescapeDataString(request.RequestUri.AbsolutePath[operationsPath.Length..]);
            return operations.TryGetValue(id, out var operation)
                ? Status(HttpStatusCode.OK, id, operation.Next())
                : Error(HttpStatusCode.NotFound, "NotFound", $"No operation {id}.");
        }

        return Error(HttpStatusCode.NotFound, "NotFound", "No such route.");
    }

    private async Task<HttpResponseMessage> Send(Received received, CancellationToken ct)
    {
        nextSendAnswers.TryDequeue(out var answer);
        if (answer is not null) return await answer(ct);
        var email = JsonNode.Parse(received.Body)!.AsObject();
        if (email["senderAddress"] is null || email["recipients"]?["to"] is null || email["content"]?["subject"] is null)
            return Error(HttpStatusCode.BadRequest, "BadRequest", "senderAddress, recipients.to and content.subject are required.");
        var id = received.OperationId ?? Guid.NewGuid().ToString();
        if (!Guid.TryParse(id, out _)) return Error(HttpStatusCode.BadRequest, "InvalidOperationId", "Operation-Id must be a UUID.");
        var operation = operations.GetOrAdd(id, _ => new Operation(id, email, Statuses, operations.Count));
        if (operation.Email.ToJsonString() != email.ToJsonString())
            return Error(HttpStatusCode.BadRequest, "OperationIdReused", "Another e-mail with this Operation-Id.");
        // Accepted, and the e-mail will go; only the answer is lost (a timeout on the client's side).
        if (Interlocked.Exchange(ref hangAfterAccepting, 0) == 1) await Task.Delay(Timeout.Infinite, ct);
        var response = Status(HttpStatusCode.Accepted, id, operation.Current);
        response.Headers.TryAddWithoutValidation("Operation-Location", $"{Endpoint}/emails/operations/{id}?api-version=2023-03-31");
        return response;
    }

    /// <summary>The documented HMAC scheme, computed here independently of the client, or the expected bearer token.</summary>
    private HttpResponseMessage? Unauthenticated(HttpRequestMessage request, byte[] body)
    {
        var authorization = request.Headers.Authorization?.ToString() ?? "";
        if (ExpectedToken is not null)
            return authorization == $"Bearer {ExpectedToken}" ? null : Error(HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "The token is not valid.");

        var date = Header(request, "x-ms-date");
        var contentHash = Header(request, "x-ms-content-sha256");
        if (date is null || contentHash is null) return Error(HttpStatusCode.Unauthorized, "Denied", "x-ms-date and x-ms-content-sha256 are required.");
        if (contentHash != Convert.ToBase64String(SHA256.HashData(body))) return Error(HttpStatusCode.Unauthorized, "Denied", "The content hash does not match the body.");
        if (!DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt) ||
            (clock.GetUtcNow() - signedAt).Duration() > TimeSpan.FromMinutes(15))
            return Error(HttpStatusCode.Unauthorized, "Denied", "x-ms-date is not within 15 minutes of now.");
        var stringToSign = $"{request.Method.Method}\n{request.RequestUri!.PathAndQuery}\n{date};{request.RequestUri.Authority};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(AccessKey, Encoding.ASCII.GetBytes(stringToSign)));
        return authorization == $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}"
            ? null
            : Error(HttpStatusCode.Unauthorized, "Denied", "Denied by the resource provider.");
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private HttpResponseMessage Status(HttpStatusCode code, string id, (string Status, JsonObject? Error) state)
    {
        var json = new JsonObject { ["id"] = id, ["status"] = state.Status };
        if (state.Error is not null) json["error"] = state.Error.DeepClone();
        var response = new HttpResponseMessage(code) { Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json") };
        if (state.Status is "NotStarted" or "Running") response.Headers.TryAddWithoutValidation("retry-after", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string message)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { error = new { code, message } }), Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("x-ms-error-code", code);
        return response;
    }

    public sealed record Received(string Method, string PathAndQuery, string? OperationId, string? Authorization, byte[] Body);

    private sealed class Operation(string id, JsonObject email, IReadOnlyList<string> statuses, int order)
    {
        private int polls;

        public int Order => order;

        public JsonObject Email => email;

        public (string, JsonObject?) Current => State(Math.Min(polls, statuses.Count - 1));

        public (string, JsonObject?) Next() => State(Math.Min(Interlocked.Increment(ref polls), statuses.Count - 1));

        private (string, JsonObject?) State(int index) => statuses[index] == "Failed"
            ? ("Failed", new JsonObject { ["code"] = "EmailDroppedAllRecipientsSuppressed", ["message"] = $"Operation {id}: every recipient is on the suppression list." })
            : (statuses[index], null);
    }
}
