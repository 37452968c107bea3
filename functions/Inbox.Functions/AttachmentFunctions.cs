using InboxServerless.Core.Application;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions;

/// <summary>The files of an inbox's mail (attachments, inline images), for the agents who can read its conversations.</summary>
public sealed class AttachmentFunctions(AttachmentUseCases attachments)
{
    [Function("GetAttachment")]
    [OpenApiResponse(200, typeof(byte[]), ContentType = "application/octet-stream",
        Description = "The attachment's bytes, served as its own type, as a download (an inline image may be shown), with nosniff.")]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inboxes/{inboxId}/attachments/{attachmentId}")] HttpRequest request,
        string inboxId, string attachmentId, CancellationToken ct) =>
        (await request.Caller().Then(caller => attachments.Open(caller, inboxId, attachmentId, ct))).ToHttp(found => new AttachmentResult(found));
}
