using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InboxServerless.Azure.Email.Gmail;

/// <summary>Google refused a call, or answered what we could not read; <see cref="Status"/> is Google's HTTP status.</summary>
public sealed class GmailApiException(HttpStatusCode? status, string message) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;

    /// <summary>The OAuth grant is gone (revoked, expired, or the password changed): only a new consent helps.</summary>
    public bool IsGrantRevoked => Status == HttpStatusCode.BadRequest && Message.Contains("invalid_grant", StringComparison.Ordinal);
}

public sealed record GmailTokens(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken = null,
    [property: JsonPropertyName("scope")] string? Scope = null);

public sealed record GmailProfile(string EmailAddress, string HistoryId);

/// <param name="Expiration">Unix milliseconds, as a string, as Gmail writes it.</param>
public sealed record GmailWatchResponse(string HistoryId, string Expiration)
{
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Expiration, System.Globalization.CultureInfo.InvariantCulture));
}

public sealed record GmailMessageRef(string Id, string? ThreadId = null, IReadOnlyList<string>? LabelIds = null);

public sealed record GmailMessageAdded(GmailMessageRef Message);

public sealed record GmailHistory(string Id, IReadOnlyList<GmailMessageAdded>? MessagesAdded = null);

/// <param name="HistoryId">The mailbox's current history id: where the next read starts.</param>
public sealed record GmailHistoryPage(IReadOnlyList<GmailHistory>? History, string? NextPageToken, string HistoryId);

public sealed record GmailMessageList(IReadOnlyList<GmailMessageRef>? Messages, string? NextPageToken);

/// <param name="Raw">The whole MIME message, base64url.</param>
public sealed record GmailRawMessage(string Id, string ThreadId, IReadOnlyList<string>? LabelIds, string Raw);

/// <summary>
/// The few Gmail API and OAuth calls the product makes (their wire rules: docs/wire-contracts.md#gmail-push-history-and-the-oauth-grant), on one <see cref="HttpClient"/> with the standard resilience
/// handler (retries of transient failures, each call's deadline). Google's answers other than 2xx are
/// <see cref="GmailApiException"/>s, except the 404s a caller acts on (an old history id, a deleted message): <c>null</c>.
/// </summary>
public sealed class GmailApi(HttpClient http, GmailOptions options)
{
    public const string ReadScope = "https://www.googleapis.com/auth/gmail.readonly";
    public const string SendScope = "https://www.googleapis.com/auth/gmail.send";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Uri api = options.ApiBase();

    public Task<GmailTokens> ExchangeCode(string code, CancellationToken ct) => Token(new()
    {
        ["grant_type"] = "authorization_code",
        ["code"] = code,
        ["redirect_uri"] = options.RedirectUri,
    }, ct);

    public Task<GmailTokens> Refresh(string refreshToken, CancellationToken ct) => Token(new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
    }, ct);

    public async Task<GmailProfile> Profile(string accessToken, CancellationToken ct) =>
        (await Call<GmailProfile>(HttpMethod.Get, "gmail/v1/users/me/profile", accessToken, null, ct))!;

    /// <summary>Watches the inbox only, so pushes come for incoming mail, not for every label change.</summary>
    public async Task<GmailWatchResponse> Watch(string accessToken, CancellationToken ct) =>
        (await Call<GmailWatchResponse>(HttpMethod.Post, "gmail/v1/users/me/watch", accessToken,
            new { topicName = options.TopicName, labelIds = new[] { "INBOX" }, labelFilterBehavior = "include" }, ct))!;

    public Task Stop(string accessToken, CancellationToken ct) => Call<JsonElement>(HttpMethod.Post, "gmail/v1/users/me/stop", accessToken, null, ct);

    /// <returns><c>null</c> when Gmail no longer has <paramref name="startHistoryId"/> (404): resync.</returns>
    public Task<GmailHistoryPage?> History(string accessToken, string startHistoryId, string? pageToken, CancellationToken ct) =>
        Call<GmailHistoryPage>(HttpMethod.Get,
            $"gmail/v1/users/me/history?startHistoryId={Escape(startHistoryId)}&historyTypes=messageAdded{Page(pageToken)}", accessToken, null, ct,
            notFoundIsNull: true);

    public async Task<GmailMessageList> ListMessages(string accessToken, string query, string? pageToken, CancellationToken ct) =>
        (await Call<GmailMessageList>(HttpMethod.Get, $"gmail/v1/users/me/messages?q={Escape(query)}&maxResults=100{Page(pageToken)}", accessToken, null, ct))!;

    /// <returns><c>null</c> when the message is gone (deleted since the history named it).</returns>
    public Task<GmailRawMessage?> RawMessage(string accessToken, string id, CancellationToken ct) =>
        Call<GmailRawMessage>(HttpMethod.Get, $"gmail/v1/users/me/messages/{Escape(id)}?format=raw", accessToken, null, ct, notFoundIsNull: true);

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static string Page(string? pageToken) => pageToken is null ? "" : "&pageToken=" + Escape(pageToken);

    private async Task<GmailTokens> Token(Dictionary<string, string> form, CancellationToken ct)
    {
        form["client_id"] = options.ClientId;
        form["client_secret"] = options.ClientSecret;
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        return (await Send<GmailTokens>(request, false, ct))!;
    }

    private async Task<T?> Call<T>(HttpMethod method, string path, string accessToken, object? body, CancellationToken ct, bool notFoundIsNull = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(api, path));
        request.Headers.Authorization = new("Bearer", accessToken);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        else if (method == HttpMethod.Post) request.Content = new ByteArrayContent([]);
        return await Send<T>(request, notFoundIsNull, ct);
    }

    private async Task<T?> Send<T>(HttpRequestMessage request, bool notFoundIsNull, CancellationToken ct)
    {
        using var response = await http.SendAsync(request, ct);
        if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound) return default;
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new GmailApiException(response.StatusCode, $"{request.Method} {request.RequestUri!.AbsolutePath}: {(int)response.StatusCode} {Truncate(text)}");
        if (text.Length == 0) return default;
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new GmailApiException(response.StatusCode, $"{request.RequestUri!.AbsolutePath}: an answer we cannot read ({e.Message}).");
        }
    }

    // Google's error bodies are small; a proxy's page is not.
    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
