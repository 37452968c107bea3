using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Local.Google;

/// <summary>A message in a fake mailbox: Gmail's ids and labels, and the MIME bytes <c>format=raw</c> returns.</summary>
public sealed record FakeGmailMessage(string Id, string ThreadId, IReadOnlyList<string> LabelIds, byte[] Raw, long HistoryId);

/// <summary>
/// Google as the product's Gmail client sees it, over real HTTP on a loopback port (Kestrel), in Google's documented
/// wire format: the consent page (which grants the <c>login_hint</c> mailbox at once and redirects back), the OAuth token
/// endpoint (codes, refresh tokens, <c>invalid_grant</c>), the OIDC signing keys, and Gmail's
/// <c>users/me/profile</c>, <c>watch</c>, <c>stop</c>, <c>history</c> (two records a page; 404 for a history id older
/// than it keeps), <c>messages</c> (list) and <c>messages/{id}?format=raw</c>. Delivered mail is pushed to
/// <see cref="PushEndpoint"/> as Pub/Sub would, with a token signed by <see cref="Signer"/>. For the dev host
/// (<c>DevHost:FakeGmail</c>) and the end-to-end tests.
/// </summary>
public sealed class FakeGoogle : IAsyncDisposable
{
    public const string ServiceAccount = "gmail-push@fake-project.iam.gserviceaccount.com";
    public const string ClientId = "fake-client-id.apps.googleusercontent.com";
    public const string TopicName = "projects/fake-project/topics/gmail";
    public const int HistoryPageSize = 2;

    private readonly WebApplication app;
    private readonly TimeProvider clock;
    private readonly ConcurrentDictionary<string, Mailbox> mailboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> codes = new();
    private readonly ConcurrentDictionary<string, string> refreshTokens = new();
    private readonly ConcurrentDictionary<string, string> accessTokens = new();
    private readonly HttpClient pusher = new();
    private long ids = 0x18c0_0000_0000;
    private long pushes;

    private FakeGoogle(WebApplication app, Uri baseAddress, TimeProvider clock)
    {
        this.app = app;
        this.clock = clock;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public FakeGoogleSigner Signer { get; } = new();

    /// <summary>Where delivered mail is pushed (the product's <c>/api/webhooks/gmail</c>); none: tests push themselves.</summary>
    public Uri? PushEndpoint { get; set; }

    /// <summary>The audience the pushes' tokens carry (the push subscription's setting).</summary>
    public string PushAudience { get; set; } = "";

    /// <summary>Set: the consent page grants this mailbox, whatever the login hint (an admin signed in as someone else).</summary>
    public string? GrantAs { get; set; }

    /// <summary>Every request, as <c>METHOD path?query</c>, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri TokenUrl => new(BaseAddress, "token");
    public Uri ConsentUrl => new(BaseAddress, "o/oauth2/v2/auth");
    public Uri SigningKeysUrl => new(BaseAddress, "oauth2/v3/certs");

    /// <summary>The settings that point the product's <c>Gmail</c> section at this fake.</summary>
    public IReadOnlyDictionary<string, string?> Settings(Uri productBase) => new Dictionary<string, string?>
    {
        ["Gmail:ClientId"] = ClientId,
        ["Gmail:ClientSecret"] = "fake-client-secret",
        ["Gmail:RedirectUri"] = new Uri(productBase, "api/gmail/callback").ToString(),
        ["Gmail:TopicName"] = TopicName,
        ["Gmail:PushAudience"] = new Uri(productBase, "api/webhooks/gmail").ToString(),
        ["Gmail:PushServiceAccount"] = ServiceAccount,
        ["Gmail:ApiBaseUrl"] = BaseAddress.ToString(),
        ["Gmail:TokenUrl"] = TokenUrl.ToString(),
        ["Gmail:ConsentUrl"] = ConsentUrl.ToString(),
        ["Gmail:SigningKeysUrl"] = SigningKeysUrl.ToString(),
    };

    public static async Task<FakeGoogle> Start(TimeProvider? clock = null)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(baseAddress.ToString());
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var google = new FakeGoogle(app, baseAddress, clock ?? TimeProvider.System);
        app.Run(google.Answer);
        await app.StartAsync();
        return google;
    }

    /// <summary>A code the token endpoint exchanges for tokens of <paramref name="address"/>, as the consent page issues.</summary>
    public string IssueCode(string address)
    {
        var code = "code-" + Guid.NewGuid().ToString("N");
        codes[code] = address;
        MailboxOf(address);
        return code;
    }

    /// <summary>The user revokes the app: refresh tokens of the mailbox answer <c>invalid_grant</c>.</summary>
    public void Revoke(string address)
    {
        foreach (var (token, owner) in refreshTokens)
            if (string.Equals(owner, address, StringComparison.OrdinalIgnoreCase)) refreshTokens.TryRemove(token, out _);
    }

    /// <summary>Every access token issued so far stops working (Google answers 401), as after a password change.</summary>
    public void ExpireAccessTokens() => accessTokens.Clear();

    /// <summary>Gmail keeps history for a limited time: from now on it has none before the current history id.</summary>
    public void ForgetHistory(string address)
    {
        var mailbox = MailboxOf(address);
        lock (mailbox) mailbox.OldestHistoryId = mailbox.HistoryId + 1;
    }

    public (int Watches, int Stops, DateTimeOffset? WatchExpiresAt) WatchOf(string address)
    {
        var mailbox = MailboxOf(address);
        lock (mailbox) return (mailbox.Watches, mailbox.Stops, mailbox.WatchExpiresAt);
    }

    /// <summary>
    /// New mail in the mailbox (labels INBOX and UNREAD unless said), in the thread given or a new one; then, if the mailbox
    /// is watched and <see cref="PushEndpoint"/> is set, pushed. Returns the message and the push's HTTP status (0: none).
    /// </summary>
    public async Task<(FakeGmailMessage Message, int PushStatus)> Deliver(string address, string mime, string? threadId = null, IReadOnlyList<string>? labels = null)
    {
        var mailbox = MailboxOf(address);
        FakeGmailMessage message;
        lock (mailbox)
        {
            var id = Interlocked.Increment(ref ids).ToString("x", CultureInfo.InvariantCulture);
            message = new FakeGmailMessage(id, threadId ?? id, labels ?? ["INBOX", "UNREAD"], Encoding.UTF8.GetBytes(mime), ++mailbox.HistoryId);
            mailbox.Messages.Add(message);
        }

        var watched = mailbox.WatchExpiresAt is { } until && until > clock.GetUtcNow();
        return (message, PushEndpoint is null || !watched ? 0 : await Push(address, message.HistoryId));
    }

    /// <summary>Pushes a notice as Pub/Sub does (a new Pub/Sub message id each time unless given), and returns the HTTP status.</summary>
    public async Task<int> Push(string address, long historyId, string? pubSubMessageId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PushEndpoint)
        {
            Content = new StringContent(PushBody(address, historyId, pubSubMessageId ?? $"{Interlocked.Increment(ref pushes)}{ids}"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Signer.PushToken(PushAudience, ServiceAccount, clock.GetUtcNow()));
        using var response = await pusher.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>Pub/Sub's push body of a Gmail notice.</summary>
    public static string PushBody(string address, long historyId, string pubSubMessageId) => new JsonObject
    {
        ["message"] = new JsonObject
        {
            ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["emailAddress"] = address, ["historyId"] = historyId }.ToJsonString())),
            ["messageId"] = pubSubMessageId,
            ["message_id"] = pubSubMessageId,
            ["publishTime"] = "2026-12-03T10:00:00.000Z",
        },
        ["subscription"] = "projects/fake-project/subscriptions/gmail-push",
    }.ToJsonString();

    private Mailbox MailboxOf(string address) => mailboxes.GetOrAdd(address, a => new Mailbox(a));

    private async Task Answer(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value!.Trim('/');
        Requests.Enqueue($"{request.Method} /{path}{request.QueryString}");
        var (status, body) = path switch
        {
            "o/oauth2/v2/auth" => Consent(context),
            "token" => await Token(request),
            "oauth2/v3/certs" => (200, Signer.Jwks()),
            _ when path.StartsWith("gmail/v1/users/me/", StringComparison.Ordinal) => Gmail(request, path["gmail/v1/users/me/".Length..]),
            _ => Error(404, "Not found"),
        };
        if (status == 302) return;
        context.Response.StatusCode = status;
        if (body is null) return;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body);
    }

    /// <summary>The admin signs in and grants at once: back to the redirect URI with a code (or <c>access_denied</c>).</summary>
    private (int, string?) Consent(HttpContext context)
    {
        var query = context.Request.Query;
        if (query["client_id"] != ClientId) return Error(400, "invalid_client");
        var redirect = $"{query["redirect_uri"]}?state={Uri.EscapeDataString(query["state"].ToString())}";
        var address = GrantAs ?? query["login_hint"].ToString();
        redirect += address.Length == 0 ? "&error=access_denied" : $"&code={Uri.EscapeDataString(IssueCode(address))}&scope={Uri.EscapeDataString(query["scope"].ToString())}";
        context.Response.Redirect(redirect);
        return (302, null);
    }

    private async Task<(int, string?)> Token(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["client_id"] != ClientId || form["client_secret"].ToString().Length == 0) return OAuthError("invalid_client");
        string? address;
        string? refreshToken = null;
        switch (form["grant_type"].ToString())
        {
            case "authorization_code":
                if (!codes.TryRemove(form["code"].ToString(), out address)) return OAuthError("invalid_grant");
                refreshToken = "refresh-" + Guid.NewGuid().ToString("N");
                refreshTokens[refreshToken] = address;
                break;
            case "refresh_token":
                if (!refreshTokens.TryGetValue(form["refresh_token"].ToString(), out address)) return OAuthError("invalid_grant");
                break;
            default:
                return OAuthError("unsupported_grant_type");
        }

        var accessToken = "access-" + Guid.NewGuid().ToString("N");
        accessTokens[accessToken] = address;
        var answer = new JsonObject
        {
            ["access_token"] = accessToken, ["expires_in"] = 3599, ["token_type"] = "Bearer",
            ["scope"] = "https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/gmail.send",
        };
        if (refreshToken is not null) answer["refresh_token"] = refreshToken;
        return (200, answer.ToJsonString());
    }

    private (int, string?) Gmail(HttpRequest request, string path)
    {
        var bearer = request.Headers.Authorization.ToString();
        if (!bearer.StartsWith("Bearer ", StringComparison.Ordinal) || !accessTokens.TryGetValue(bearer["Bearer ".Length..], out var address))
            return Error(401, "Request had invalid authentication credentials.");
        var mailbox = MailboxOf(address);
        lock (mailbox)
        {
            switch (request.Method, path)
            {
                case ("GET", "profile"):
                    return (200, new JsonObject
                    {
                        ["emailAddress"] = mailbox.Address, ["messagesTotal"] = mailbox.Messages.Count, ["threadsTotal"] = mailbox.Messages.Count,
                        ["historyId"] = Text(mailbox.HistoryId),
                    }.ToJsonString());
                case ("POST", "watch"):
                    mailbox.Watches++;
                    mailbox.WatchExpiresAt = clock.GetUtcNow().AddDays(7);
                    return (200, new JsonObject { ["historyId"] = Text(mailbox.HistoryId), ["expiration"] = Text(mailbox.WatchExpiresAt.Value.ToUnixTimeMilliseconds()) }.ToJsonString());
                case ("POST", "stop"):
                    mailbox.Stops++;
                    mailbox.WatchExpiresAt = null;
                    return (204, null);
                case ("GET", "history"):
                    return History(mailbox, request.Query);
                case ("GET", "messages"):
                    return List(mailbox, request.Query);
                case ("GET", _) when path.StartsWith("messages/", StringComparison.Ordinal):
                    var id = path["messages/".Length..];
                    if (mailbox.Messages.Find(m => m.Id == id) is not { } message) return Error(404, "Requested entity was not found.");
                    return (200, new JsonObject
                    {
                        ["id"] = message.Id, ["threadId"] = message.ThreadId, ["labelIds"] = Labels(message),
                        ["historyId"] = Text(message.HistoryId), ["sizeEstimate"] = message.Raw.Length, ["raw"] = Base64Url.EncodeToString(message.Raw),
                    }.ToJsonString());
                default:
                    return Error(404, "Not found");
            }
        }
    }

    private static (int, string?) History(Mailbox mailbox, IQueryCollection query)
    {
        if (!long.TryParse(query["startHistoryId"], CultureInfo.InvariantCulture, out var start)) return Error(400, "Invalid startHistoryId");
        if (start < mailbox.OldestHistoryId) return Error(404, "Requested entity was not found.");
        var after = long.TryParse(query["pageToken"], CultureInfo.InvariantCulture, out var token) ? token : start;
        var records = mailbox.Messages.Where(m => m.HistoryId > after).OrderBy(m => m.HistoryId).Take(HistoryPageSize + 1).ToList();
        var page = records.Take(HistoryPageSize).ToList();
        var answer = new JsonObject
        {
            ["history"] = new JsonArray([.. page.Select(m => (JsonNode)new JsonObject
            {
                ["id"] = Text(m.HistoryId),
                ["messages"] = new JsonArray(new JsonObject { ["id"] = m.Id, ["threadId"] = m.ThreadId }),
                ["messagesAdded"] = new JsonArray(new JsonObject
                {
                    ["message"] = new JsonObject { ["id"] = m.Id, ["threadId"] = m.ThreadId, ["labelIds"] = Labels(m) },
                }),
            })]),
            ["historyId"] = Text(mailbox.HistoryId),
        };
        if (records.Count > HistoryPageSize) answer["nextPageToken"] = Text(page[^1].HistoryId);
        return (200, answer.ToJsonString());
    }

    /// <summary>Newest first, as Gmail lists; the query is taken as "the inbox" (the product asks for nothing else).</summary>
    private static (int, string?) List(Mailbox mailbox, IQueryCollection query)
    {
        var skip = int.TryParse(query["pageToken"], CultureInfo.InvariantCulture, out var s) ? s : 0;
        var inbox = mailbox.Messages.Where(m => m.LabelIds.Contains("INBOX")).OrderByDescending(m => m.HistoryId).ToList();
        var page = inbox.Skip(skip).Take(HistoryPageSize).ToList();
        var answer = new JsonObject
        {
            ["messages"] = new JsonArray([.. page.Select(m => (JsonNode)new JsonObject { ["id"] = m.Id, ["threadId"] = m.ThreadId })]),
            ["resultSizeEstimate"] = inbox.Count,
        };
        if (skip + page.Count < inbox.Count) answer["nextPageToken"] = Text(skip + page.Count);
        return (200, answer.ToJsonString());
    }

    private static JsonArray Labels(FakeGmailMessage message) => new([.. message.LabelIds.Select(l => (JsonNode)l)]);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static (int, string?) Error(int status, string message) =>
        (status, new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = status == 404 ? "NOT_FOUND" : "INVALID_ARGUMENT" } }.ToJsonString());

    private static (int, string?) OAuthError(string error) => (400, new JsonObject { ["error"] = error, ["error_description"] = error }.ToJsonString());

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        pusher.Dispose();
        Signer.Dispose();
    }

    private sealed class Mailbox(string address)
    {
        public string Address { get; } = address;
        public long HistoryId { get; set; } = 1000;
        public long OldestHistoryId { get; set; } = 1;
        public List<FakeGmailMessage> Messages { get; } = [];
        public DateTimeOffset? WatchExpiresAt { get; set; }
        public int Watches { get; set; }
        public int Stops { get; set; }
    }
}
