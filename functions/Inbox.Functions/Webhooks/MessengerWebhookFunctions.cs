using InboxServerless.Azure.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Functions.Webhooks;

/// <summary>
/// Meta's Messenger webhook. Not behind App Service Authentication (see infra/functionapp.bicep): the handshake token
/// and the payload signature authenticate Meta instead.
/// </summary>
public sealed class MessengerWebhookFunctions(MessengerInbound inbound, ILogger<MessengerWebhookFunctions> log)
{
    /// <summary>Meta sends at most 1,000 updates a request; a megabyte holds them with room to spare.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    [Function("VerifyMessengerWebhook")]
    [OpenApiQuery("hub.mode", typeof(string), Description = "subscribe")]
    [OpenApiQuery("hub.verify_token", typeof(string), Description = "The verify token configured for the app.")]
    [OpenApiQuery("hub.challenge", typeof(string), Description = "Echoed back when the token matches.")]
    [OpenApiResponse(200, typeof(string), ContentType = "text/plain", Description = "The challenge, echoed.")]
    public IResult Verify([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks/messenger")] HttpRequest request) =>
        inbound.Verify(request.Query("hub.mode"), request.Query("hub.verify_token"), request.Query("hub.challenge")) is { } challenge
            ? Results.Text(challenge, "text/plain")
            : Results.StatusCode(StatusCodes.Status403Forbidden);

    [Function("ReceiveMessengerWebhook")]
    [OpenApiBody(typeof(System.Text.Json.Nodes.JsonObject), Description = "Meta's webhook payload: up to 1,000 messaging updates.")]
    [OpenApiHeader(MessengerWebhook.SignatureHeader, Required = true, Description = "sha256= HMAC of the raw body with the app secret.")]
    [OpenApiResponse(200, Description = "Every update is queued.")]
    [OpenApiProblem(503)]
    public async Task<IResult> Receive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/messenger")] HttpRequest request, CancellationToken ct)
    {
        var received = await request.ReadBytes(MaxBodyBytes, ct).Then(body =>
            // One signature: a request that carries the header twice is not signed, whichever of its values is right.
            inbound.Receive(body, request.Headers[MessengerWebhook.SignatureHeader] is { Count: 1 } signature ? signature[0] : null, ct));
        if (received.Problem == MessengerInbound.NotConfigured && inbound.ReportNotConfigured())
            log.LogError("Messenger deliveries are refused with 503: Messenger:AppSecret is not configured.");
        return received.ToHttp(receipt =>
        {
            foreach (var page in receipt.DroppedPages) log.LogInformation("Messenger events for {Page} dropped: no inbox has this page.", page);
            return Results.Ok();
        });
    }
}
