using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Core.Ports;
using InboxServerless.Functions.Http;
using InboxServerless.Local;

namespace InboxServerless.DevHost.Functions;

/// <summary>
/// The dev host's own endpoints for the in-process queue (not part of the function app; Azure has the Service Bus
/// explorer for this):
/// <list type="bullet">
/// <item><c>POST /admin/events</c>: one <see cref="InboundEvent"/> (the queue's JSON, as <see cref="InboxJson"/> writes it)
/// or an array of them, enqueued as a webhook would → <c>202</c> with each event's <c>messageId</c> and <c>sessionId</c>;
/// a bad body is a <c>400</c> problem naming the field; a queue that refuses the send, <c>503</c>.</item>
/// <item><c>GET /admin/dead-letters</c>: the dead-lettered events, oldest first, each with <c>messageId</c>,
/// <c>reason</c> (the last failure), <c>deliveryCount</c>, <c>deadLetteredAt</c> and the <c>event</c>.</item>
/// <item><c>POST /admin/dead-letters/{messageId}/replay</c>: enqueue that one again with a fresh delivery count →
/// <c>202</c> with <c>{"messageId": …}</c>, or a <c>404</c> problem when no dead letter has that id.</item>
/// <item><c>POST /admin/dead-letters/replay</c>: replay them all → <c>202</c> with <c>{"replayed": n}</c>.</item>
/// </list>
/// </summary>
public static class QueueAdminEndpoints
{
    public sealed record DeadLetter(string MessageId, string Reason, int DeliveryCount, DateTimeOffset DeadLetteredAt, InboundEvent Event);

    public sealed record Accepted(string MessageId, string SessionId);

    public static IEndpointRouteBuilder MapQueueAdmin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("admin/events", async (HttpRequest request, IInboundQueue queue, ILoggerFactory logs, CancellationToken ct) =>
        {
            var read = await request.ReadJson<JsonElement>(ct);
            if (!read.IsSuccess) return HttpResults.Problem(read.Problem!);
            var events = Events(read.Value);
            if (!events.IsSuccess) return HttpResults.Problem(events.Problem!);
            try
            {
                await queue.Enqueue(events.Value!, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logs.CreateLogger("InboxServerless.DevHost").LogWarning("The queue refused {Count} events: {Error}", events.Value!.Count, e.Message);
                return HttpResults.Problem(new Problem(ProblemKind.Unavailable, "The queue did not take the events.", e.Message));
            }

            return HttpResults.Json(events.Value!.Select(e => new Accepted(e.MessageId, e.SessionKey)).ToList(), StatusCodes.Status202Accepted);
        }).WithDisplayName("DevHost admin: enqueue inbound events");

        endpoints.MapGet("admin/dead-letters", (InProcessInboundQueue queue) =>
            HttpResults.Json(queue.DeadLetters.Select(d => new DeadLetter(d.Event.MessageId, d.Reason, d.DeliveryCount, d.DeadLetteredAt, d.Event)).ToList()))
            .WithDisplayName("DevHost admin: list dead letters");

        endpoints.MapPost("admin/dead-letters/{messageId}/replay", (string messageId, InProcessInboundQueue queue) =>
            queue.Replay(messageId)
                ? HttpResults.Json(new { messageId }, StatusCodes.Status202Accepted)
                : HttpResults.Problem(Problem.NotFound($"Dead letter '{messageId}'")))
            .WithDisplayName("DevHost admin: replay a dead letter");

        endpoints.MapPost("admin/dead-letters/replay", (InProcessInboundQueue queue) =>
            HttpResults.Json(new { replayed = queue.ReplayAll() }, StatusCodes.Status202Accepted))
            .WithDisplayName("DevHost admin: replay every dead letter");

        return endpoints;
    }

    private static Outcome<IReadOnlyList<InboundEvent>> Events(JsonElement body)
    {
        switch (body.ValueKind)
        {
            case JsonValueKind.Object:
                return One(body, "").Map(e => (IReadOnlyList<InboundEvent>)[e]);
            case JsonValueKind.Array:
                var events = new List<InboundEvent>();
                var index = 0;
                foreach (var item in body.EnumerateArray())
                {
                    var one = One(item, $"[{index++}]");
                    if (!one.IsSuccess) return one.Problem!;
                    events.Add(one.Value!);
                }

                return events;
            default:
                return Problem.Invalid("$", "Send an inbound event (a JSON object) or an array of them.");
        }
    }

    private static Outcome<InboundEvent> One(JsonElement element, string at)
    {
        try
        {
            return element.Deserialize<InboundEvent>(InboxJson.Api) is { } inboundEvent
                ? inboundEvent
                : Problem.Invalid(at.Length == 0 ? "$" : at, "An inbound event must be a JSON object.");
        }
        catch (JsonException e)
        {
            var path = e.Path is null or "$" ? "" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path.TrimStart('$');
            var field = at.Length == 0 ? (path.Length == 0 ? "$" : path) : path.Length == 0 ? at : $"{at}.{path}";
            return Problem.Invalid(field, e.Message);
        }
    }
}
