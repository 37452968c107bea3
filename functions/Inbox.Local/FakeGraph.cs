using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Local;

/// <summary>A message in a fake mailbox, as a test or a developer sends it.</summary>
public sealed record FakeMail(
    string From, string Subject, string Text,
    string? InternetMessageId = null, string? ConversationId = null, string? InReplyTo = null, string? References = null,
    string? AttachmentName = null, byte[]? AttachmentBytes = null);

/// <summary>A request the fake received: method, path and query, and whether it carried a bearer token.</summary>
public sealed record FakeGraphRequest(string Method, string PathAndQuery, bool Authorized);

/// <summary>
/// Microsoft Graph's mail and subscription endpoints over real HTTP (Kestrel on a loopback port), with Graph's documented
/// JSON: the mailbox's inbox folder, subscriptions (create with the validation handshake, PATCH, reauthorize, DELETE),
/// messages with headers and attachments, and the inbox's delta (pages of <see cref="DeltaPageSize"/> with
/// <c>@odata.nextLink</c>, then <c>@odata.deltaLink</c>; <c>410 Gone</c> after <see cref="ExpireDeltaLinks"/>).
/// <see cref="Deliver"/> puts a message in a mailbox and notifies its subscriptions, as Graph would. For the dev host
/// (<c>DevHost:FakeGraph</c>) and the tests; any bearer token is taken, none is refused with 401.
/// </summary>
public sealed class FakeGraph : IAsyncDisposable
{
    public const int DeltaPageSize = 2;
    public const string TenantId = "00000000-0000-4000-8000-00000000fa4e";

    private readonly WebApplication app;
    private readonly HttpClient notifier = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentDictionary<string, List<JsonObject>> mailboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, JsonObject> subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HttpStatusCode> refused = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock gate = new();
    private int deltaGeneration;
    private int nextId;

    private FakeGraph(WebApplication app) => this.app = app;

    /// <summary>Graph's root with its version, as <c>Graph:BaseUrl</c> takes it.</summary>
    public string BaseUrl { get; private set; } = "";

    public ConcurrentQueue<FakeGraphRequest> Requests { get; } = new();

    /// <summary>Whether creating a subscription runs Graph's validation handshake on both URLs first (as Graph does).</summary>
    public bool ValidateEndpoints { get; set; } = true;

    /// <summary>Every address is a mailbox (an empty inbox until mail is delivered), as on the dev host; otherwise only those added.</summary>
    public bool AnyMailbox { get; set; }

    /// <summary>While on, mail is delivered without notifications: the gap a <c>missed</c> lifecycle event reports.</summary>
    public bool Silenced { get; set; }

    public static async Task<FakeGraph> Start(CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = new FakeGraph(builder.Build());
        fake.Map();
        await fake.app.StartAsync(ct);
        fake.BaseUrl = fake.app.Urls.First().TrimEnd('/') + "/v1.0";
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        notifier.Dispose();
    }

    /// <summary>A mailbox Graph knows (an empty inbox).</summary>
    public void AddMailbox(string address) => mailboxes.TryAdd(address, []);

    /// <summary>Graph refuses every call about this mailbox with <paramref name="status"/> (403: the admin did not consent).</summary>
    public void Refuse(string address, HttpStatusCode status) => refused[address] = status;

    /// <summary>Graph forgets the subscription: PATCH and DELETE answer 404.</summary>
    public bool Forget(string subscriptionId) => subscriptions.TryRemove(subscriptionId, out _);

    /// <summary>Every delta link handed out so far answers <c>410 Gone</c>.</summary>
    public void ExpireDeltaLinks() => Interlocked.Increment(ref deltaGeneration);

    public IReadOnlyList<JsonObject> Subscriptions => [.. subscriptions.Values.Select(s => (JsonObject)s.DeepClone())];

    public int MessageCount(string address) => mailboxes.TryGetValue(address, out var list) ? list.Count : 0;

    /// <summary>Puts a message in the mailbox and, unless <see cref="Silenced"/>, notifies each subscription on it.</summary>
    /// <returns>Graph's id of the message.</returns>
    public async Task<string> Deliver(string address, FakeMail mail, CancellationToken ct = default)
    {
        var id = "AAMkAG" + Interlocked.Increment(ref nextId).ToString("D6", CultureInfo.InvariantCulture) + "=";
        var message = Message(id, mail);
        lock (gate) mailboxes.GetOrAdd(address, _ => []).Add(message);
        if (!Silenced)
        {
            foreach (var subscription in SubscriptionsOf(address))
                await Notify(subscription, Notification(subscription, id), ct);
        }

        return id;
    }

    /// <summary>Sends a lifecycle notification (<c>reauthorizationRequired</c>, <c>subscriptionRemoved</c>, <c>missed</c>).</summary>
    public async Task<HttpStatusCode> Lifecycle(string subscriptionId, string lifecycleEvent, CancellationToken ct = default)
    {
        var subscription = subscriptions[subscriptionId];
        var item = new JsonObject
        {
            ["subscriptionId"] = subscriptionId,
            ["subscriptionExpirationDateTime"] = subscription["expirationDateTime"]?.GetValue<string>(),
            ["tenantId"] = TenantId,
            ["clientState"] = subscription["clientState"]?.GetValue<string>(),
            ["lifecycleEvent"] = lifecycleEvent,
        };
        using var response = await notifier.PostAsync(subscription["lifecycleNotificationUrl"]!.GetValue<string>(),
            Json(new JsonObject { ["value"] = new JsonArray(item) }), ct);
        return response.StatusCode;
    }

    /// <summary>A <c>created</c> notification of the message, as Graph posts it.</summary>
    public static JsonObject Notification(JsonObject subscription, string messageId) => new()
    {
        ["subscriptionId"] = subscription["id"]!.GetValue<string>(),
        ["subscriptionExpirationDateTime"] = subscription["expirationDateTime"]?.GetValue<string>(),
        ["changeType"] = "created",
        ["resource"] = $"Users/{UserOf(subscription)}/Messages/{messageId}",
        ["resourceData"] = new JsonObject
        {
            ["@odata.type"] = "#Microsoft.Graph.Message",
            ["@odata.id"] = $"Users/{UserOf(subscription)}/Messages/{messageId}",
            ["@odata.etag"] = "W/\"CQAAABYAAAD\"",
            ["id"] = messageId,
        },
        ["clientState"] = subscription["clientState"]?.GetValue<string>(),
        ["tenantId"] = TenantId,
    };

    /// <summary>Posts notifications to the subscription's notification URL; the answer's status.</summary>
    public async Task<HttpStatusCode> Notify(JsonObject subscription, JsonObject item, CancellationToken ct = default)
    {
        using var response = await notifier.PostAsync(subscription["notificationUrl"]!.GetValue<string>(),
            Json(new JsonObject { ["value"] = new JsonArray(item) }), ct);
        return response.StatusCode;
    }

    public IReadOnlyList<JsonObject> SubscriptionsOf(string address) =>
        [.. subscriptions.Values.Where(s => string.Equals(UserOf(s), address, StringComparison.OrdinalIgnoreCase))];

    private static string UserOf(JsonObject subscription)
    {
        var resource = subscription["resource"]!.GetValue<string>(); // users/{address}/mailFolders('inbox')/messages
        return resource.Split('/')[1];
    }

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    private JsonObject Message(string id, FakeMail mail)
    {
        var internetId = mail.InternetMessageId ?? $"<{id.TrimEnd('=')}@fake.graph>";
        var headers = new JsonArray(new JsonObject { ["name"] = "Message-ID", ["value"] = internetId });
        if (mail.InReplyTo is { } inReplyTo) headers.Add(new JsonObject { ["name"] = "In-Reply-To", ["value"] = inReplyTo });
        if (mail.References is { } references) headers.Add(new JsonObject { ["name"] = "References", ["value"] = references });
        var attachments = new JsonArray();
        if (mail.AttachmentName is { } name)
        {
            attachments.Add(new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.fileAttachment",
                ["id"] = id + "-a1",
                ["name"] = name,
                ["contentType"] = "application/octet-stream",
                ["size"] = mail.AttachmentBytes?.Length ?? 0,
                ["isInline"] = false,
                ["contentBytes"] = Convert.ToBase64String(mail.AttachmentBytes ?? []),
            });
        }

        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = id,
            ["receivedDateTime"] = now,
            ["sentDateTime"] = now,
            ["hasAttachments"] = attachments.Count > 0,
            ["internetMessageId"] = internetId,
            ["subject"] = mail.Subject,
            ["conversationId"] = mail.ConversationId ?? "AAQkAG-" + id,
            ["body"] = new JsonObject { ["contentType"] = "text", ["content"] = mail.Text },
            ["from"] = new JsonObject { ["emailAddress"] = new JsonObject { ["name"] = mail.From.Split('@')[0], ["address"] = mail.From } },
            ["internetMessageHeaders"] = headers,
            ["attachments"] = attachments,
        };
    }

    private void Map()
    {
        app.Use(async (context, next) =>
        {
            Requests.Enqueue(new FakeGraphRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)));
            if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
            {
                await Error(context, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Access token is empty.");
                return;
            }

            await next(context);
        });

        app.MapGet("/v1.0/users/{user}/mailFolders/{folder}", (HttpContext context, string user, string folder) =>
            Mailbox(context, user) ?? Results.Json(new JsonObject { ["id"] = $"inbox-{user}", ["displayName"] = "Inbox" }));

        app.MapPost("/v1.0/subscriptions", (Delegate)CreateSubscription);
        app.MapMethods("/v1.0/subscriptions/{id}", ["PATCH"], async (HttpContext context, string id) =>
        {
            if (!subscriptions.TryGetValue(id, out var subscription)) return NotFound("The object was not found.");
            var patch = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
            subscription["expirationDateTime"] = patch?["expirationDateTime"]?.GetValue<string>() ?? subscription["expirationDateTime"]?.GetValue<string>();
            return Results.Json(subscription);
        });
        app.MapPost("/v1.0/subscriptions/{id}/reauthorize", (string id) =>
            subscriptions.ContainsKey(id) ? Results.NoContent() : NotFound("The object was not found."));
        app.MapDelete("/v1.0/subscriptions/{id}", (string id) =>
            subscriptions.TryRemove(id, out _) ? Results.NoContent() : NotFound("The object was not found."));

        app.MapGet("/v1.0/users/{user}/messages/{id}", (HttpContext context, string user, string id) =>
        {
            if (Mailbox(context, user) is { } refusal) return refusal;
            lock (gate)
            {
                var message = mailboxes[user].FirstOrDefault(m => m["id"]!.GetValue<string>() == id);
                return message is null ? NotFound("The specified object was not found in the store.") : Results.Json(message);
            }
        });

        app.MapGet("/v1.0/users/{user}/mailFolders/{folder}/messages/{delta}", (Delegate)Delta);
    }

    private async Task<IResult> CreateSubscription(HttpContext context)
    {
        var request = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
        var resource = request["resource"]?.GetValue<string>() ?? "";
        var user = resource.Split('/') is { Length: > 1 } parts ? parts[1] : "";
        if (Mailbox(context, user) is { } refusal) return refusal;
        // Graph validates both URLs before it creates the subscription.
        foreach (var url in new[] { request["notificationUrl"]?.GetValue<string>(), request["lifecycleNotificationUrl"]?.GetValue<string>() })
        {
            if (url is null || !ValidateEndpoints) continue;
            var token = "Validation: Testing client application reachability for subscription Request-Id: " + Guid.NewGuid();
            using var answer = await notifier.PostAsync($"{url}?validationToken={Uri.EscapeDataString(token)}", new StringContent("", Encoding.UTF8, "text/plain"));
            if (answer.StatusCode != HttpStatusCode.OK || await answer.Content.ReadAsStringAsync() != token ||
                answer.Content.Headers.ContentType?.MediaType != "text/plain")
                return Error(HttpStatusCode.BadRequest, "ValidationError", $"Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request: {url}");
        }

        var subscription = new JsonObject
        {
            ["@odata.context"] = $"{BaseUrl}/$metadata#subscriptions/$entity",
            ["id"] = Guid.NewGuid().ToString(),
            ["resource"] = resource,
            ["changeType"] = request["changeType"]?.GetValue<string>(),
            ["clientState"] = request["clientState"]?.GetValue<string>(),
            ["notificationUrl"] = request["notificationUrl"]?.GetValue<string>(),
            ["lifecycleNotificationUrl"] = request["lifecycleNotificationUrl"]?.GetValue<string>(),
            ["expirationDateTime"] = request["expirationDateTime"]?.GetValue<string>(),
            ["applicationId"] = "fake-app",
        };
        subscriptions[subscription["id"]!.GetValue<string>()] = subscription;
        return Results.Json(subscription, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// The delta of the inbox: a link's token is <c>{generation}.{position}</c>, the count of messages read so far; a
    /// token of an earlier generation is gone (410). A first request may filter on <c>receivedDateTime ge</c>.
    /// </summary>
    private IResult Delta(HttpContext context, string user, string folder, string delta)
    {
        if (!delta.StartsWith("delta", StringComparison.Ordinal)) return NotFound("Resource not found.");
        if (Mailbox(context, user) is { } refusal) return refusal;
        var query = context.Request.Query;
        var token = query["$deltatoken"].FirstOrDefault() ?? query["$skiptoken"].FirstOrDefault();
        var generation = Volatile.Read(ref deltaGeneration);
        var position = 0;
        if (token is not null)
        {
            var parts = token.Split('.');
            if (parts.Length != 2 || int.Parse(parts[0], CultureInfo.InvariantCulture) != generation)
                return Error(HttpStatusCode.Gone, "SyncStateNotFound", "The sync state generation is no longer valid.");
            position = int.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        List<JsonObject> page;
        int total;
        lock (gate)
        {
            var all = mailboxes[user];
            total = all.Count;
            page = [.. all.Skip(position).Take(DeltaPageSize).Select(m => new JsonObject { ["@odata.type"] = "#microsoft.graph.message", ["id"] = m["id"]!.GetValue<string>() })];
        }

        var next = position + page.Count;
        var link = $"{BaseUrl}/users/{Uri.EscapeDataString(user)}/mailFolders/{folder}/messages/delta()";
        var body = new JsonObject { ["@odata.context"] = $"{BaseUrl}/$metadata#Collection(message)", ["value"] = new JsonArray([.. page]) };
        if (next < total) body["@odata.nextLink"] = $"{link}?$skiptoken={generation}.{next}";
        else body["@odata.deltaLink"] = $"{link}?$deltatoken={generation}.{next}";
        return Results.Json(body);
    }

    /// <summary>A refusal for a mailbox Graph does not know or will not show; <c>null</c> when it may be read.</summary>
    private IResult? Mailbox(HttpContext context, string user)
    {
        if (refused.TryGetValue(user, out var status))
            return Error(status, status == HttpStatusCode.Forbidden ? "ErrorAccessDenied" : "Authorization_RequestDenied", "Access is denied. Check credentials and try again.");
        if (AnyMailbox) AddMailbox(user);
        return mailboxes.ContainsKey(user) ? null : NotFound($"The requested user '{user}' is invalid.");
    }

    private static IResult NotFound(string message) => Error(HttpStatusCode.NotFound, "ErrorItemNotFound", message);

    private static IResult Error(HttpStatusCode status, string code, string message) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, statusCode: (int)status);

    private static Task Error(HttpContext context, HttpStatusCode status, string code, string message) =>
        Error(status, code, message).ExecuteAsync(context);
}
