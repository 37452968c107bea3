using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.Channels;

/// <summary>Connecting a Messenger channel's page to Meta (token, webhook subscription, greeting).</summary>
public sealed class MessengerPageFunctions(MessengerPageUseCases pages)
{
    [Function("ConnectMessengerPage")]
    [OpenApiBody(typeof(PageAuthorization))]
    [OpenApiResponse(200, typeof(MessengerPageConnection))]
    [OpenApiProblem(409, 503)]
    public async Task<IResult> Connect(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes/{inboxId}/channels/{channelId}/messenger-page")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<PageAuthorization>(ct)
            .Then(authorization => pages.ConnectPage(caller, inboxId, channelId, authorization, ct))))
        .ToHttp(connection => HttpResults.Json(connection));
}
