using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace InboxServerless.Functions.Http;

/// <summary>
/// An attachment's bytes as a download. Whatever a sender attached is served from our origin, so the browser is kept from
/// treating it as a page of ours: its declared type and no other (<c>nosniff</c>), saved rather than shown (only a raster
/// image marked inline may be shown), and sandboxed should it be opened anyway.
/// </summary>
public sealed class AttachmentResult(StoredAttachment attachment) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var content = attachment.Content;
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = AttachmentRules.ServedType(attachment.ContentType);
        response.ContentLength = attachment.Length;
        var disposition = new ContentDispositionHeaderValue(AttachmentRules.ShownInline(attachment) ? "inline" : "attachment");
        disposition.SetHttpFileName(attachment.Name);
        response.Headers[HeaderNames.ContentDisposition] = disposition.ToString();
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers[HeaderNames.ContentSecurityPolicy] = "sandbox; default-src 'none'; img-src 'self'";
        // The same id is always the same bytes, but who may read them can change: kept by the browser, not by proxies.
        response.Headers[HeaderNames.CacheControl] = "private, max-age=3600";
        await content.CopyToAsync(response.Body, httpContext.RequestAborted);
    }
}
