using System.Net;
using System.Net.Http.Json;
using InboxServerless.Azure.Http;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Notifications;

/// <summary>
/// Posts to a Slack incoming webhook: <c>POST {url}</c> with <c>{"text": …}</c>. Its <see cref="HttpClient"/> must go
/// through the <see cref="OutboundGuard"/> (see <see cref="SlackServiceCollectionExtensions.AddSlackNotifier"/>).
/// </summary>
public sealed class SlackWebhookNotifier(HttpClient http) : ISlackNotifier
{
    public async Task<SlackPostResult> Post(string webhookUrl, string text, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync(webhookUrl, new { text }, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is OutboundRefusedException refused)
        {
            return new SlackPostResult($"The Slack webhook's address is refused: {refused.Message}");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode) return SlackPostResult.Sent;
            var code = (int)response.StatusCode;
            // A 4xx (a removed webhook, a revoked app: 404 no_service, 403 action_prohibited…) will not change by trying
            // again; a 5xx, a 408 or a 429 may.
            if (code is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                return new SlackPostResult($"Slack refused the notice ({code}{(body.Length > 0 ? ": " + body[..Math.Min(body.Length, 200)] : "")}).");
            }

            throw new HttpRequestException($"Slack answered {code}; to be tried again.", null, response.StatusCode);
        }
    }
}
