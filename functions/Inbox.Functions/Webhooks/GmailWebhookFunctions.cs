using InboxServerless.Azure.Email.Gmail;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Functions.Webhooks;

/// <summary>
/// Pub/Sub's push of Gmail's notices. Not behind App Service Authentication: the Google-signed OIDC token that the push
/// subscription adds authenticates Pub/Sub instead (docs/email-gmail.md).
/// </summary>
public sealed class GmailWebhookFunctions(GmailInbound inbound, ILogger<GmailWebhookFunctions> log)
{
    /// <summary>A Gmail notice is a few hundred bytes; Pub/Sub's envelope adds little.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    [Function("ReceiveGmailPush")]
    [OpenApiBody(typeof(System.Text.Json.Nodes.JsonObject), Description = "Pub/Sub's push: message.data is base64 of {emailAddress, historyId}.")]
    [OpenApiHeader("Authorization", Required = true, Description = "Bearer <the push subscription's Google-signed OIDC token>.")]
    [OpenApiResponse(204, Description = "Queued, or dropped because no Gmail channel holds the address (so Pub/Sub stops retrying).")]
    [OpenApiProblem(400, 401, 503)]
    public async Task<IResult> Receive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/gmail")] HttpRequest request, CancellationToken ct)
    {
        var received = await request.ReadBytes(MaxBodyBytes, ct).Then(body =>
            inbound.Receive(body, request.Headers.Authorization is { Count: 1 } authorization ? authorization[0] : null, ct));
        return received.ToHttp(receipt =>
        {
            if (!receipt.Queued) log.LogInformation("Gmail push for {Address} dropped: no Gmail channel holds it.", receipt.EmailAddress);
            return Results.NoContent();
        });
    }
}
