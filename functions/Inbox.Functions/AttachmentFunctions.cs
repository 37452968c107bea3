using InboxServerless.Core.Application;
using InboxServerless.Core.Rules;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace InboxServerless.Functions;

/// <summary>
/// The files of an inbox's mail (attachments, inline images), for the agents who can read its conversations; and the
/// files its members upload for their replies.
/// </summary>
public sealed class AttachmentFunctions(AttachmentUseCases attachments)
{
    [Function("GetAttachment")]
    [OpenApiResponse(200, typeof(byte[]), ContentType = "application/octet-stream",
        Description = "The attachment's bytes, served as its own type, as a download (an inline image may be shown), with nosniff.")]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inboxes/{inboxId}/attachments/{attachmentId}")] HttpRequest request,
        string inboxId, string attachmentId, CancellationToken ct) =>
        (await request.Caller().Then(caller => attachments.Open(caller, inboxId, attachmentId, ct))).ToHttp(found => new AttachmentResult(found));

    [Function("UploadAttachment")]
    [OpenApiBody(typeof(byte[]), ContentType = "application/octet-stream",
        Description = "The file's bytes (at most 3 MB), sent with its own Content-Type; a type that is not well formed is kept as application/octet-stream.")]
    [OpenApiQuery("name", typeof(string), Description = "The file's name (no path, no control characters); or Content-Disposition's filename.")]
    [OpenApiHeader("Content-Disposition", Description = "attachment; filename=\"…\" (or filename*=UTF-8''…), when ?name= is left out.")]
    [OpenApiResponse(201, typeof(UploadedAttachment), Location = true,
        Description = "Stored for the inbox: name its id in a reply's attachmentIds; its url serves it back to the inbox's readers.")]
    [OpenApiProblem(503)]
    public async Task<IResult> Upload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes/{inboxId}/attachments")] HttpRequest request,
        string inboxId, CancellationToken ct) =>
        (await request.Caller().Then(caller => attachments.Upload(caller, inboxId, FileName(request), request.ContentType,
            maxBytes => request.ReadBytes(maxBytes, ct), ct)))
        .ToHttp(uploaded => HttpResults.Json(uploaded, StatusCodes.Status201Created, location: uploaded.Url));

    /// <summary>
    /// <c>?name=</c>, else Content-Disposition's <c>filename*</c> (RFC 6266: UTF-8, preferred) or <c>filename</c>; the
    /// name is checked by the use case (<see cref="AttachmentRules.NameProblem"/>), whichever way it came.
    /// </summary>
    private static string? FileName(HttpRequest request)
    {
        if (request.Query("name") is { } name) return name;
        if (!ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var disposition)) return null;
        var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName;
        return fileName.HasValue ? fileName.Value : null;
    }
}
