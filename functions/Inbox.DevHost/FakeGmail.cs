using InboxServerless.Functions.Http;
using InboxServerless.Local.Google;

namespace InboxServerless.DevHost;

/// <summary>
/// <c>DevHost:FakeGmail=true</c>: the dev host starts a fake Google on a loopback port (<see cref="FakeGoogle"/>) and points
/// its <c>Gmail</c> settings at it, so a Gmail channel connects (the consent page grants at once), mail delivered with
/// <c>POST /admin/gmail/deliver?to=ADDRESS</c> (a raw message as the body) is pushed to <c>/api/webhooks/gmail</c> with a
/// signed token, and the consumer reads it back through the fake's Gmail API.
/// </summary>
public static class FakeGmail
{
    public const string Setting = "DevHost:FakeGmail";

    /// <summary>The push subscription's audience in the fake (any string the subscription names will do).</summary>
    public const string PushAudience = "https://inbox.dev-host/api/webhooks/gmail";

    public static async Task<FakeGoogle?> Start(WebApplicationBuilder builder, string productUrl)
    {
        if (!builder.Configuration.GetValue<bool>(Setting)) return null;
        var google = await FakeGoogle.Start();
        google.PushAudience = PushAudience;
        var settings = new Dictionary<string, string?>(google.Settings(new Uri(productUrl.TrimEnd('/') + "/"))) { ["Gmail:PushAudience"] = PushAudience };
        builder.Configuration.AddInMemoryCollection(settings);
        // Made by the container, so the container stops it with the host.
        builder.Services.AddSingleton(_ => google);
        return google;
    }

    /// <summary>Once the host listens, the fake knows where to push.</summary>
    public static void PushTo(this WebApplication app, FakeGoogle google)
    {
        app.Services.GetRequiredService<FakeGoogle>();
        app.Lifetime.ApplicationStarted.Register(() => google.PushEndpoint = new Uri(app.Addresses()[0], "api/webhooks/gmail"));
    }

    public static IEndpointRouteBuilder MapFakeGmail(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("admin/gmail/deliver", async (HttpRequest request, FakeGoogle google) =>
        {
            if (request.Query["to"].ToString() is not { Length: > 0 } to) return Results.BadRequest("Name the mailbox: ?to=ADDRESS");
            using var reader = new StreamReader(request.Body);
            var mime = await reader.ReadToEndAsync();
            var threadId = request.Query["threadId"].ToString();
            var (message, pushStatus) = await google.Deliver(to, mime, threadId.Length == 0 ? null : threadId);
            return HttpResults.Json(new { message.Id, message.ThreadId, message.HistoryId, pushStatus });
        }).WithDisplayName("DevHost admin: deliver a message to a fake Gmail mailbox");
        return endpoints;
    }
}
