using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Functions.Webhooks;

/// <summary>
/// Microsoft Graph's change and lifecycle notifications for Office 365 mailboxes. Not behind App Service Authentication:
/// each item's clientState authenticates Graph instead. Both URLs answer the validation handshake; neither calls Graph.
/// </summary>
public sealed class GraphWebhookFunctions(GraphInbound inbound, ILogger<GraphWebhookFunctions> log)
{
    /// <summary>Graph batches notifications; a megabyte holds far more than it sends at once.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    [Function("ReceiveGraphNotifications")]
    [OpenApiQuery("validationToken", typeof(string), Description = "Graph's validation handshake: echoed back as text/plain.")]
    [OpenApiBody(typeof(System.Text.Json.Nodes.JsonObject), Description = "Graph's change notifications: {\"value\":[…]}.")]
    [OpenApiResponse(200, typeof(string), ContentType = "text/plain", Description = "The validation token, echoed.")]
    [OpenApiResponse(202, Description = "Every notification of ours is queued; the others are dropped.")]
    [OpenApiProblem(400, 503)]
    public Task<IResult> Notifications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/graph")] HttpRequest request, CancellationToken ct) =>
        Receive(request, ct);

    [Function("ReceiveGraphLifecycleNotifications")]
    [OpenApiQuery("validationToken", typeof(string), Description = "Graph's validation handshake: echoed back as text/plain.")]
    [OpenApiBody(typeof(System.Text.Json.Nodes.JsonObject), Description = "Graph's lifecycle notifications: reauthorizationRequired, subscriptionRemoved, missed.")]
    [OpenApiResponse(200, typeof(string), ContentType = "text/plain", Description = "The validation token, echoed.")]
    [OpenApiResponse(202, Description = "Every notification of ours is queued; the others are dropped.")]
    [OpenApiProblem(400, 503)]
    public Task<IResult> Lifecycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/graph/lifecycle")] HttpRequest request, CancellationToken ct) =>
        Receive(request, ct);

    private async Task<IResult> Receive(HttpRequest request, CancellationToken ct)
    {
        if (GraphNotifications.ValidationToken(request.QueryString.Value) is { } token)
            return Results.Text(token, GraphNotifications.ValidationContentType, statusCode: StatusCodes.Status200OK);
        var received = await request.ReadBytes(MaxBodyBytes, ct).Then(body => inbound.Receive(body, ct));
        return received.ToHttp(receipt =>
        {
            if (receipt.Dropped.Count > 0) log.LogInformation("Graph notifications dropped: {Count} ({First})", receipt.Dropped.Count, receipt.Dropped[0].Reason);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
    }
}
