using System.Text.Json.Nodes;
using InboxServerless.Local;

namespace InboxServerless.Bench.Load;

/// <summary>
/// What the dev host needs before Messenger events route: two agents with paid seats and an inbox with a proven page,
/// made through the public API as the dev host's development admin.
/// </summary>
public static class BenchInbox
{
    public const string AppSecret = "bench-app-secret";

    /// <summary>A dev host's settings: the Messenger secrets, no timers, and the emulator's database <paramref name="database"/>.</summary>
    public static Dictionary<string, string> Settings(CosmosEmulator cosmos, string database) => new()
    {
        ["Messenger:AppSecret"] = AppSecret,
        ["Messenger:VerifyToken"] = "bench-verify-token",
        ["DevHost:Timers:Enabled"] = "false",
        ["Cosmos:ConnectionString"] = cosmos.ConnectionString,
        ["Cosmos:UseGateway"] = "true",
        ["Cosmos:AcceptAnyServerCertificate"] = "true",
        ["Cosmos:Database"] = database,
    };

    /// <summary>Creates the inbox and returns its page's id.</summary>
    public static async Task<string> Create(HttpClient api)
    {
        foreach (var agent in (string[])["alice", "bob"])
            await Expect(await api.PutAsync($"api/directory/users/{agent}",
                JsonContent.Create(new { name = agent, email = $"{agent}@contoso.com", hasPaidSeat = true })));
        var inbox = await Expect(await api.PostAsync("api/inboxes",
            JsonContent.Create(new { name = "Bench " + Guid.NewGuid().ToString("N")[..6], members = new { everyone = true } })));
        var inboxId = JsonNode.Parse(inbox)!["id"]!.GetValue<string>();
        var pageId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var channel = await Expect(await api.PostAsync($"api/inboxes/{inboxId}/channels", JsonContent.Create(new
        {
            kind = "messenger",
            pageId,
            pageName = "Contoso Bikes",
            routing = new { assignment = new { mode = "specific", userIds = new[] { "alice", "bob" } } },
        })));
        // A page routes only once proven with a page admin's token (the bench host's Meta confirms it).
        var channelId = JsonNode.Parse(channel)!["id"]!.GetValue<string>();
        await Expect(await api.PostAsync($"api/inboxes/{inboxId}/channels/{channelId}/messenger-page",
            JsonContent.Create(new { userAccessToken = "bench-user-token" })));
        return pageId;
    }

    private static async Task<string> Expect(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return body;
    }
}
