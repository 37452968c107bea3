using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace InboxServerless.Functions.Webhooks;

/// <summary>
/// Forwarded mail: any provider's forwarding rule or inbound-parse service posts the raw message here. Not behind App
/// Service Authentication (a webhook): the channel's inbound secret, as HTTP Basic's password, authenticates the sender.
/// </summary>
public sealed class ForwardedEmailWebhookFunctions(ForwardingInbound inbound)
{
    [Function("ReceiveForwardedEmail")]
    [OpenApiBody(typeof(string), ContentType = "message/rfc822", Description = "The raw message; or multipart/form-data with it in the 'email' field. At most 25 MB.")]
    [OpenApiHeader("Authorization", Required = true, Description = "Basic: any user name, the channel's inbound secret as the password.")]
    [OpenApiResponse(202, Description = "The message is stored and queued.")]
    [OpenApiProblem(401, 413, 415, 503)]
    public async Task<IResult> Receive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/email/{channelId}")] HttpRequest request,
        string channelId, CancellationToken ct)
    {
        // Authenticated before the body is read: a stranger's 25 MB are not taken in.
        var received = await inbound.Authenticate(channelId, request.Headers.Authorization is { Count: 1 } basic ? basic[0] : null, ct)
            .Then(registration => request.ReadBytes(ForwardingInbound.MaxBodyBytes, ct)
                .Then(body => inbound.Receive(registration, request.ContentType, body, ct)));
        if (received.Problem?.Kind == ProblemKind.Unauthenticated) return new Challenge(HttpResults.Problem(received.Problem));
        return received.ToHttp(_ => Results.StatusCode(StatusCodes.Status202Accepted));
    }

    /// <summary>A 401 names the scheme to use (RFC 9110 §11.6.1), so a client that asks first knows what to send.</summary>
    private sealed class Challenge(IResult problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[HeaderNames.WWWAuthenticate] = "Basic realm=\"inbox\", charset=\"UTF-8\"";
            return problem.ExecuteAsync(httpContext);
        }
    }
}
