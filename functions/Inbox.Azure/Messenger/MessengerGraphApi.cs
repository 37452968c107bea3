using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Messenger;

/// <summary>
/// The Messenger Platform over the Graph API (<c>https://graph.facebook.com/v{N}/</c>), tokens as
/// <c>Authorization: Bearer</c>. Meta's errors (<c>{"error":{"message","type","code","error_subcode","fbtrace_id"}}</c>),
/// HTTP failures without that body and network failures come back as <see cref="MessengerError"/>s, never as exceptions;
/// only cancellation and a missing configuration throw.
/// </summary>
public sealed class MessengerGraphApi(HttpClient http, MessengerGraphOptions options) : IMessengerApi
{
    private readonly Uri baseUri = options.GraphBaseUri();

    public Task<SendResult> SendText(
        string pageId, string pageAccessToken, string psid, MessengerText text, MessengerSendMode mode, CancellationToken ct) =>
        SendText(pageId, pageAccessToken, psid, text, mode, null, ct);

    public async Task<SendResult> SendText(string pageId, string pageAccessToken, string psid, MessengerText text, MessengerSendMode mode,
        IReadOnlyList<MessengerQuickReply>? quickReplies, CancellationToken ct)
    {
        var body = Write(w =>
        {
            w.WriteStartObject("recipient");
            w.WriteString("id", psid);
            w.WriteEndObject();
            if (mode == MessengerSendMode.HumanAgent)
            {
                w.WriteString("messaging_type", "MESSAGE_TAG");
                w.WriteString("tag", "HUMAN_AGENT");
            }
            else
            {
                w.WriteString("messaging_type", "RESPONSE");
            }

            w.WriteStartObject("message");
            w.WriteString("text", text.Value);
            if (quickReplies is { Count: > 0 })
            {
                w.WriteStartArray("quick_replies");
                foreach (var reply in quickReplies)
                {
                    w.WriteStartObject();
                    w.WriteString("content_type", "text");
                    w.WriteString("title", reply.Title);
                    w.WriteString("payload", reply.Payload);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        });

        var answer = await Call<SendResult.Sent>(HttpMethod.Post, $"{Segment(pageId)}/messages", pageAccessToken, null, body, ct, (root, status) =>
            String(root, "message_id") is { } messageId
                ? new SendResult.Sent(messageId, String(root, "recipient_id") ?? psid)
                : new MessengerError(MessengerErrorKind.Other, "The Send API answered without a message_id.", status));
        return answer.IsSuccess ? answer.Value! : new SendResult.Failed(answer.Error!);
    }

    public async Task<MessengerResult<UserToken>> ExchangeUserToken(string userAccessToken, CancellationToken ct)
    {
        if (options.AppId.Length == 0 || options.AppSecret.Length == 0)
            throw new InvalidOperationException("Messenger:AppId and Messenger:AppSecret must be configured to connect pages.");
        var query = $"grant_type=fb_exchange_token&client_id={Escape(options.AppId)}&client_secret={Escape(options.AppSecret)}" +
                    $"&fb_exchange_token={Escape(userAccessToken)}";
        return await Call<UserToken>(HttpMethod.Get, "oauth/access_token", null, query, null, ct, (root, status) =>
        {
            if (String(root, "access_token") is not { } token)
                return new MessengerError(MessengerErrorKind.Other, "The token exchange answered without an access_token.", status);
            TimeSpan? expiresIn = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var s)
                ? TimeSpan.FromSeconds(s)
                : null;
            return new UserToken(token, expiresIn);
        });
    }

    public async Task<MessengerResult<PageInfo>> GetPage(string pageId, string userAccessToken, CancellationToken ct)
    {
        return await Call<PageInfo>(HttpMethod.Get, Segment(pageId), userAccessToken, "fields=access_token,name", null, ct, (root, _) =>
            new PageInfo(String(root, "id") ?? pageId, String(root, "name") ?? "", String(root, "access_token")));
    }

    public async Task<MessengerResult<bool>> SubscribeApp(string pageId, string pageAccessToken, IReadOnlyList<string> fields, CancellationToken ct)
    {
        var query = "subscribed_fields=" + string.Join(",", fields.Select(Escape));
        return await Call(HttpMethod.Post, $"{Segment(pageId)}/subscribed_apps", pageAccessToken, query, null, ct, Success);
    }

    public async Task<MessengerResult<bool>> UnsubscribeApp(string pageId, string pageAccessToken, CancellationToken ct)
    {
        return await Call(HttpMethod.Delete, $"{Segment(pageId)}/subscribed_apps", pageAccessToken, null, null, ct, Success);
    }

    public async Task<MessengerResult<bool>> SetGreeting(string pageAccessToken, string? greeting, CancellationToken ct)
    {
        if (greeting is null)
        {
            var fields = Write(w =>
            {
                w.WriteStartArray("fields");
                w.WriteStringValue("greeting");
                w.WriteEndArray();
            });
            return await Call<bool>(HttpMethod.Delete, "me/messenger_profile", pageAccessToken, null, fields, ct,
                (root, _) => String(root, "result") == "success");
        }

        var body = Write(w =>
        {
            w.WriteStartArray("greeting");
            w.WriteStartObject();
            w.WriteString("locale", "default");
            w.WriteString("text", greeting);
            w.WriteEndObject();
            w.WriteEndArray();
        });
        return await Call<bool>(HttpMethod.Post, "me/messenger_profile", pageAccessToken, null, body, ct,
            (root, _) => String(root, "result") == "success");
    }

    /// <summary>One Graph call: a 2xx JSON object read by <paramref name="read"/>, or the error it came to.</summary>
    private async Task<MessengerResult<T>> Call<T>(
        HttpMethod method, string path, string? token, string? query, byte[]? body, CancellationToken ct, Func<JsonElement, int, MessengerResult<T>> read)
    {
        ct.ThrowIfCancellationRequested();
        if (token is not null && options.AppSecretProof && options.AppSecret.Length > 0)
        {
            var proof = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.AppSecret), Encoding.UTF8.GetBytes(token)));
            query = (query is null ? "" : query + "&") + "appsecret_proof=" + proof;
        }

        var uri = new Uri(baseUri, query is null ? path : $"{path}?{query}");
        using var request = new HttpRequestMessage(method, uri);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };

        HttpResponseMessage? response = null;
        byte[] bytes;
        try
        {
            response = await http.SendAsync(request, ct);
            bytes = await response.Content.ReadAsByteArrayAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            response?.Dispose();
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException or IOException)
        {
            response?.Dispose();
            // No answer, or a timeout (HttpClient.Timeout): Meta may or may not have acted on the request.
            return new MessengerError(MessengerErrorKind.Transient, $"Facebook could not be reached: {e.Message}");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            JsonDocument? document = null;
            try
            {
                if (bytes.Length > 0) document = JsonDocument.Parse(bytes);
            }
            catch (JsonException)
            {
            }

            using (document)
            {
                var root = document?.RootElement;
                if (root is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                    return ReadError(error, status);
                if (!response.IsSuccessStatusCode)
                    return MessengerErrors.Error($"Facebook answered HTTP {status} {response.ReasonPhrase}.", status, null, null, null);
                if (root is not { ValueKind: JsonValueKind.Object } answer)
                    return new MessengerError(MessengerErrorKind.Other, $"Facebook answered HTTP {status} without a JSON object.", status);
                return read(answer, status);
            }
        }
    }

    private static MessengerError ReadError(JsonElement error, int status) => MessengerErrors.Error(
        String(error, "message") ?? "Unknown Graph API error.", status, Int(error, "code"), Int(error, "error_subcode"), String(error, "fbtrace_id"));

    /// <summary><c>{"success":true}</c>.</summary>
    private static MessengerResult<bool> Success(JsonElement root, int status) =>
        root.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? i : null;

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static string Segment(string id) => Uri.EscapeDataString(id);

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
