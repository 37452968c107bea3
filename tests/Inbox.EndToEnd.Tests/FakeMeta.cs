using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;
using InboxServerless.Azure.Messenger;
using InboxServerless.Core.Ports;
using InboxServerless.Local;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>A request Meta's stand-in received: method, path and query, the bearer token, and the body.</summary>
public sealed record MetaRequest(HttpMethod Method, string PathAndQuery, string? BearerToken, string? Body)
{
    public bool IsSend(string pageId) => Method == HttpMethod.Post && PathAndQuery.EndsWith($"/{pageId}/messages", StringComparison.Ordinal);
}

/// <summary>
/// Stands in for Meta's Graph API behind the dev host's <c>IMessengerApi</c> (the only mock, at the HTTP boundary), by URL:
/// a user token <c>X</c> is exchanged for <c>long-X</c>, and with it every page reads back with the page token
/// <see cref="PageTokenOf"/> — except for user tokens starting <c>not-admin</c>, which manage no page; subscriptions,
/// greetings and sends succeed. Every request is kept, so tests can say which token was sent for which page.
/// </summary>
public sealed class FakeMeta : HttpMessageHandler
{
    public const string NotAdmin = "not-admin";

    private int sends;

    public ConcurrentQueue<MetaRequest> Requests { get; } = new();

    /// <summary>The page token Meta hands to the manager whose user token is <paramref name="userToken"/>.</summary>
    public static string PageTokenOf(string userToken, string pageId) => $"page-token-{pageId}-for-{userToken}";

    public IReadOnlyList<MetaRequest> For(string pageId) =>
        [.. Requests.Where(r => r.PathAndQuery.Contains($"/{pageId}", StringComparison.Ordinal) || (r.Body?.Contains(pageId, StringComparison.Ordinal) ?? false))];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
        var seen = new MetaRequest(request.Method, request.RequestUri!.PathAndQuery, request.Headers.Authorization?.Parameter, body);
        Requests.Enqueue(seen);
        var (status, json) = Answer(request.Method, request.RequestUri!, seen.BearerToken, body);
        return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    private (HttpStatusCode, string) Answer(HttpMethod method, Uri uri, string? bearer, string? body)
    {
        var segments = uri.AbsolutePath.Trim('/').Split('/'); // v23.0/…
        var query = HttpUtility.ParseQueryString(uri.Query);
        var path = string.Join('/', segments.Skip(1));
        if (path == "oauth/access_token")
            return (HttpStatusCode.OK, new JsonObject { ["access_token"] = "long-" + query["fb_exchange_token"], ["token_type"] = "bearer", ["expires_in"] = 5183944 }.ToJsonString());
        if (path.StartsWith("me/messenger_profile", StringComparison.Ordinal)) return (HttpStatusCode.OK, """{"result":"success"}""");
        if (segments.Length == 2 && method == HttpMethod.Get)
        {
            var pageId = segments[1];
            var userToken = bearer is { } b && b.StartsWith("long-", StringComparison.Ordinal) ? b["long-".Length..] : "";
            var page = new JsonObject { ["name"] = "Contoso", ["id"] = pageId };
            if (userToken.Length > 0 && !userToken.StartsWith(NotAdmin, StringComparison.Ordinal)) page["access_token"] = PageTokenOf(userToken, pageId);
            return (HttpStatusCode.OK, page.ToJsonString());
        }

        if (path.EndsWith("/subscribed_apps", StringComparison.Ordinal)) return (HttpStatusCode.OK, """{"success":true}""");
        if (path.EndsWith("/messages", StringComparison.Ordinal))
        {
            var psid = JsonNode.Parse(body ?? "{}")?["recipient"]?["id"]?.GetValue<string>() ?? "";
            return (HttpStatusCode.OK, new JsonObject { ["recipient_id"] = psid, ["message_id"] = $"m_fake_{Interlocked.Increment(ref sends)}" }.ToJsonString());
        }

        return (HttpStatusCode.BadRequest, """{"error":{"message":"Unknown path","type":"OAuthException","code":100}}""");
    }
}

public static class PageProofs
{
    /// <summary>The dev host's Graph client talks to <paramref name="meta"/> instead of graph.facebook.com.</summary>
    public static IServiceCollection UseFakeMeta(this IServiceCollection services, FakeMeta meta) =>
        services.AddSingleton<IMessengerApi>(sp => new MessengerGraphApi(new HttpClient(meta), sp.GetRequiredService<MessengerGraphOptions>()));

    /// <summary>Proves the channel's page with a page admin's user token, through the API (Meta's stand-in confirms it).</summary>
    public static Task<HttpResponseMessage> ProvePage(this HttpClient admin, string inboxId, string channelId, string userToken = "admin-user-token") =>
        admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{channelId}/messenger-page",
            new JsonObject { ["userAccessToken"] = userToken }.ToJsonString());
}

/// <summary>
/// <see cref="FakeMeta"/> over real HTTP on a free local port, for a dev host run as a process of its own (its
/// <c>Messenger__GraphBaseUrl</c> set to <see cref="BaseAddress"/>).
/// </summary>
public sealed class FakeMetaServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly HttpMessageInvoker invoker;
    private readonly Task serving;

    public FakeMetaServer(FakeMeta meta)
    {
        Meta = meta;
        invoker = new HttpMessageInvoker(meta, disposeHandler: false);
        BaseAddress = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        listener.Prefixes.Add(BaseAddress.ToString());
        listener.Start();
        serving = Task.Run(Serve);
    }

    public FakeMeta Meta { get; }

    public Uri BaseAddress { get; }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(BaseAddress, context.Request.RawUrl));
            if (context.Request.HasEntityBody)
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                request.Content = new ByteArrayContent(body.ToArray());
            }

            if (context.Request.Headers["Authorization"] is { } authorization) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await invoker.SendAsync(request, CancellationToken.None);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = "application/json";
            var bytes = await response.Content.ReadAsByteArrayAsync();
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Close();
        serving.Wait(TimeSpan.FromSeconds(5));
        invoker.Dispose();
    }
}
