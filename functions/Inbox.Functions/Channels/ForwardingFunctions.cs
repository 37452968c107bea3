using InboxServerless.Core.Application.Email;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.Channels;

/// <summary>The inbound URL and secret of a forwarding channel, as the connect answer and the rotation show them.</summary>
public sealed record ForwardingInboundEndpoint(string Url, string Secret);

/// <summary>A forwarding channel's inbound secret (rotated) and its verification message (sent again).</summary>
public sealed class ForwardingFunctions(ForwardingChannels forwarding, ForwardingOptions options)
{
    [Function("RotateForwardingInboundSecret")]
    [OpenApiNoBody]
    [OpenApiResponse(200, typeof(ForwardingInboundAnswer), Description = "The inbound URL and a new secret, shown this once; the old secret stops working.")]
    public async Task<IResult> RotateSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes/{inboxId}/channels/{channelId}/inbound-secret")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => forwarding.RotateSecret(caller, inboxId, channelId, ct)))
        .ToHttp(rotated => HttpResults.Json(new ForwardingInboundAnswer(options.Inbound(request, channelId, rotated.Secret))));

    [Function("ResendForwardingVerification")]
    [OpenApiNoBody]
    [OpenApiResponse(202, Description = "A verification message with a new code is on its way to the address.")]
    [OpenApiProblem(409)]
    public async Task<IResult> ResendVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes/{inboxId}/channels/{channelId}/verification")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => forwarding.ResendVerification(caller, inboxId, channelId, ct)))
        .ToHttp(_ => Results.StatusCode(StatusCodes.Status202Accepted));
}

/// <summary>The rotation's answer: <c>{"inbound":{"url","secret"}}</c>, the shape the connect answer adds to its channel.</summary>
public sealed record ForwardingInboundAnswer(ForwardingInboundEndpoint Inbound);

/// <summary>
/// Configuration section <c>Forwarding</c>: <c>PublicBaseUrl</c>, the address providers reach the app at
/// (<c>https://inbox.contoso.com</c>); without it, the request's own scheme and host (right on the dev host, wrong behind a
/// proxy that rewrites the host).
/// </summary>
public sealed class ForwardingOptions
{
    public const string Section = "Forwarding";

    public Uri? PublicBaseUrl { get; set; }

    public ForwardingInboundEndpoint Inbound(HttpRequest request, string channelId, string secret)
    {
        var root = PublicBaseUrl?.GetLeftPart(UriPartial.Authority) ?? $"{request.Scheme}://{request.Host}";
        return new ForwardingInboundEndpoint($"{root}/api/webhooks/email/{Uri.EscapeDataString(channelId)}", secret);
    }
}
