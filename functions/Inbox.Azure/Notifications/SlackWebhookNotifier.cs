using System.Net.Http.Json;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Notifications;

/// <summary>Posts to a Slack incoming webhook: <c>POST {url}</c> with <c>{"text": …}</c>; any non-2xx is an error.</summary>
public sealed class SlackWebhookNotifier(HttpClient http) : ISlackNotifier
{
    public async Task Post(string webhookUrl, string text, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(webhookUrl, new { text }, ct);
        response.EnsureSuccessStatusCode();
    }
}
