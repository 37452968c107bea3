using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.Channels;

/// <summary>Connecting an Office 365 channel's mailbox through Microsoft Graph (the tenant's grant, the subscription).</summary>
public sealed class Office365Functions(Office365UseCases office365)
{
    [Function("ConnectOffice365Mailbox")]
    [OpenApiBody(typeof(Office365Authorization))]
    [OpenApiResponse(200, typeof(Office365Connection))]
    [OpenApiProblem(409, 503)]
    public async Task<IResult> Connect(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes/{inboxId}/channels/{channelId}/office365-connection")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<Office365Authorization>(ct)
            .Then(authorization => office365.ConnectMailbox(caller, inboxId, channelId, authorization, ct))))
        .ToHttp(connection => HttpResults.Json(connection));
}
