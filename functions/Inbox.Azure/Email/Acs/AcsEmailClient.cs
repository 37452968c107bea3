using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email.Acs;

/// <summary>
/// Azure Communication Services Email over its REST API (docs/wire-contracts.md#azure-communication-services-email), on an
/// Azure.Core pipeline: HMAC signing with a connection string, or an Entra ID token; transient failures (5xx, 408, no
/// answer) retried by the pipeline. A send is <c>POST /emails:send</c> with an <c>Operation-Id</c> derived from the
/// mail's Message-Id, so that a send retried by the queue names the same operation; then the operation is polled,
/// honouring <c>retry-after</c>, until it ends. Throttling (429) is waited out here, on <see cref="TimeProvider"/>.
/// </summary>
public sealed class AcsEmailClient
{
    public const string ApiVersion = "2023-03-31";

    /// <summary>The scope of an Entra ID token for ACS (the double slash is part of it).</summary>
    public const string TokenScope = "https://communication.azure.com//.default";

    /// <summary>ACS takes a request of at most 10 MB, attachments (base64) included.</summary>
    public const int MaxRequestBytes = 10 * 1024 * 1024;

    /// <summary>How long to wait before polling again, or after a 429, when ACS says nothing.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(1);

    private readonly HttpPipeline pipeline;
    private readonly Uri endpoint;
    private readonly AcsEmailOptions options;
    private readonly TimeProvider clock;

    /// <param name="credential">For <see cref="AcsEmailOptions.Endpoint"/>: the app's identity (<see cref="DefaultAzureCredential"/> when none is given).</param>
    /// <param name="transport">The HTTP transport (a fake handler in tests); Azure.Core's default otherwise.</param>
    public AcsEmailClient(AcsEmailOptions options, TimeProvider clock, TokenCredential? credential = null, HttpPipelineTransport? transport = null)
    {
        this.options = options;
        this.clock = clock;
        HttpPipelinePolicy authentication;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var connection = AcsConnectionString.Parse(options.ConnectionString);
            endpoint = connection.Endpoint;
            authentication = new AcsHmacPolicy(connection.AccessKey, clock);
        }
        else if (Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri))
        {
            endpoint = uri;
            authentication = new BearerTokenAuthenticationPolicy(credential ?? new DefaultAzureCredential(), TokenScope);
        }
        else
        {
            throw new InvalidOperationException("Email:Acs needs Endpoint (https://<resource>.communication.azure.com) or ConnectionString.");
        }

        var pipelineOptions = new PipelineOptions();
        pipelineOptions.Retry.MaxRetries = options.MaxRetries;
        pipelineOptions.Retry.Delay = options.RetryDelay;
        pipelineOptions.Retry.Mode = RetryMode.Exponential;
        pipelineOptions.Retry.NetworkTimeout = options.RequestTimeout;
        if (transport is not null) pipelineOptions.Transport = transport;
        // Signed per try, not per call: each retry carries a fresh x-ms-date.
        pipeline = HttpPipelineBuilder.Build(pipelineOptions, [], [authentication], new ThrottlingLeftToClient());
    }

    /// <summary>
    /// Sends the mail (its sender already chosen) and returns the operation id once ACS reports it sent. Throws
    /// <see cref="MailRefusedException"/> when ACS refuses it or the operation fails; anything else (5xx, no answer, the
    /// send's budget spent) may succeed on a retry, which reuses the Operation-Id.
    /// </summary>
    public async Task<string> Send(OutgoingMail mail, CancellationToken ct)
    {
        var body = AcsEmailRequest.From(mail).ToUtf8Json();
        if (body.Length > MaxRequestBytes)
            throw new MailRefusedException($"The e-mail is {body.Length / 1024.0 / 1024.0:0.0} MB as sent to Azure Communication Services, which takes at most 10 MB (attachments included).");
        var operationId = OperationId(mail.MessageId);
        using var budget = new CancellationTokenSource(options.SendTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
        try
        {
            var state = await Start(operationId, body, linked.Token);
            while (!state.IsFinished)
            {
                await Task.Delay(state.RetryAfter ?? DefaultWait, clock, linked.Token);
                state = await Poll(operationId, linked.Token);
            }

            return state.Status == "Succeeded"
                ? operationId
                : throw new MailRefusedException($"Azure Communication Services did not send the e-mail ({state.Status}): {state.Error ?? "no reason given"}.");
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Azure Communication Services did not finish the send within {options.SendTimeout.TotalSeconds:0} s; a retry names the same operation ({operationId}).");
        }
    }

    /// <summary>
    /// The Operation-Id of a mail: a UUID made from its Message-Id (name-based, RFC 9562 §5.8 layout), the same on every
    /// retry; a random one for a mail without an id.
    /// </summary>
    public static string OperationId(string? messageId)
    {
        if (string.IsNullOrEmpty(messageId)) return Guid.NewGuid().ToString();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("inbox-acs-email-operation:" + messageId));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: custom, name-based
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // the RFC variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private async Task<OperationState> Start(string operationId, byte[] body, CancellationToken ct)
    {
        while (true)
        {
            using var message = Request(RequestMethod.Post, "/emails:send");
            message.Request.Headers.SetValue("Operation-Id", operationId);
            message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
            message.Request.Content = RequestContent.Create(body);
            await pipeline.SendAsync(message, ct);
            var response = message.Response;
            switch (response.Status)
            {
                case 202:
                    return OperationState.Read(response, RetryAfter(response));
                case 429:
                    await Task.Delay(RetryAfter(response) ?? DefaultWait, clock, ct);
                    continue;
                case 409:
                    // An Operation-Id ACS already holds, should it answer so: that earlier operation is this send's.
                    return await Poll(operationId, ct);
                default:
                    throw Failure(response, "send");
            }
        }
    }

    private async Task<OperationState> Poll(string operationId, CancellationToken ct)
    {
        while (true)
        {
            using var message = Request(RequestMethod.Get, $"/emails/operations/{Uri.EscapeDataString(operationId)}");
            await pipeline.SendAsync(message, ct);
            var response = message.Response;
            if (response.Status == 200) return OperationState.Read(response, RetryAfter(response));
            if (response.Status != 429) throw Failure(response, "status");
            await Task.Delay(RetryAfter(response) ?? DefaultWait, clock, ct);
        }
    }

    private HttpMessage Request(RequestMethod method, string path)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(endpoint, $"{path}?api-version={ApiVersion}"));
        return message;
    }

    /// <summary>4xx but 408 and 429: ACS will not take this mail, whoever retries. Anything else may pass on a retry.</summary>
    private static Exception Failure(Response response, string what)
    {
        var code = response.Headers.TryGetValue("x-ms-error-code", out var header) ? header : null;
        var (bodyCode, message) = Error(response.Content);
        var reason = $"Azure Communication Services answered the {what} request with {response.Status} {code ?? bodyCode ?? response.ReasonPhrase}: {message ?? "no message"}";
        return response.Status is >= 400 and < 500 and not 408 and not 429
            ? new MailRefusedException(reason)
            : new RequestFailedException(response.Status, reason, code ?? bodyCode, null);
    }

    /// <summary>ACS's error body: <c>{"error":{"code","message"}}</c>.</summary>
    private static (string? Code, string? Message) Error(BinaryData? content)
    {
        try
        {
            if (content is null || content.ToMemory().IsEmpty) return (null, null);
            using var json = JsonDocument.Parse(content.ToMemory());
            if (!json.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return (null, null);
            return (Text(error, "code"), Text(error, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary><c>retry-after</c> in seconds (or an HTTP date), or <c>retry-after-ms</c>.</summary>
    private TimeSpan? RetryAfter(Response response)
    {
        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return TimeSpan.FromMilliseconds(millis);
        if (!response.Headers.TryGetValue("retry-after", out var value)) return null;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at > clock.GetUtcNow()
            ? at - clock.GetUtcNow()
            : null;
    }

    /// <summary>An operation as ACS reports it: <c>{"id","status","error"?}</c>, and how long to wait before asking again.</summary>
    private sealed record OperationState(string Status, string? Error, TimeSpan? RetryAfter)
    {
        public bool IsFinished => Status is "Succeeded" or "Failed" or "Canceled";

        public static OperationState Read(Response response, TimeSpan? retryAfter)
        {
            using var json = JsonDocument.Parse(response.Content.ToMemory());
            var status = Text(json.RootElement, "status") ?? throw new RequestFailedException(response.Status, "Azure Communication Services answered without a status.");
            string? error = null;
            if (json.RootElement.TryGetProperty("error", out var detail) && detail.ValueKind == JsonValueKind.Object)
                error = string.Join(": ", new[] { Text(detail, "code"), Text(detail, "message") }.Where(s => !string.IsNullOrEmpty(s)));
            return new OperationState(status, string.IsNullOrEmpty(error) ? null : error, retryAfter);
        }
    }

    private sealed class PipelineOptions : ClientOptions;

    /// <summary>The pipeline retries 5xx and 408 itself; a 429 comes back to the client, which waits on its clock.</summary>
    private sealed class ThrottlingLeftToClient : ResponseClassifier
    {
        public override bool IsRetriableResponse(HttpMessage message) => message.Response.Status != 429 && base.IsRetriableResponse(message);
    }
}
