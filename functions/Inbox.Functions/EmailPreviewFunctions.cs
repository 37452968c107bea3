using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions;

/// <summary>
/// How a team e-mail channel's from-name and signature will look in a user's reply. At the account's level, not under an
/// inbox: the setup wizard shows it before any inbox exists (it creates the inbox at its review step), and the channel
/// form of an existing inbox sends the same body.
/// </summary>
public sealed class EmailPreviewFunctions(EmailPreviews previews)
{
    [Function("PreviewEmailChannel")]
    [OpenApiBody(typeof(EmailPreviewRequest),
        Description = "channel: the e-mail channel's settings as POST …/channels takes them (saved or not); userId: the user whose reply to show.")]
    [OpenApiResponse(200, typeof(EmailPreview))]
    public async Task<IResult> Preview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "email-preview")] HttpRequest request, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<EmailPreviewRequest>(ct).Then(body => previews.Preview(caller, body, ct))))
        .ToHttp(preview => HttpResults.Json(preview));
}
