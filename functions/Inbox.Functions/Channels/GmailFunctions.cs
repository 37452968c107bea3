using InboxServerless.Azure.Email.Gmail;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.Channels;

/// <summary>
/// Connecting a Gmail channel's mailbox with Google's OAuth code flow (docs/email-gmail.md). The callback is behind the
/// sign-in like the rest of the API: Google sends the admin's own browser back, and the consent's state names that admin.
/// </summary>
public sealed class GmailFunctions(GmailConnection connection)
{
    [Function("AuthorizeGmailMailbox")]
    [OpenApiNoBody]
    [OpenApiResponse(200, typeof(GmailAuthorization), Description = "Open consentUrl in the browser and sign in to Google as the channel's address.")]
    [OpenApiProblem(403, 404, 503)]
    public async Task<IResult> Authorize(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes/{inboxId}/channels/{channelId}/gmail-authorization")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => connection.Authorize(caller, inboxId, channelId, ct))).ToHttp(authorization => HttpResults.Json(authorization));

    [Function("CompleteGmailAuthorization")]
    [OpenApiQuery("code", typeof(string), Description = "Google's authorization code.")]
    [OpenApiQuery("state", typeof(string), Description = "The state of the consent URL, as Google returns it.")]
    [OpenApiQuery("error", typeof(string), Description = "Google's refusal (access_denied) instead of a code.")]
    [OpenApiResponse(200, typeof(GmailConnected), Description = "The mailbox is proven and watched.")]
    [OpenApiProblem(400, 403, 404, 409, 503)]
    public async Task<IResult> Callback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "gmail/callback")] HttpRequest request, CancellationToken ct) =>
        (await request.Caller().Then(caller => connection.Complete(caller, request.Query("code"), request.Query("state"), request.Query("error"), ct)))
        .ToHttp(connected => HttpResults.Json(connected));
}
