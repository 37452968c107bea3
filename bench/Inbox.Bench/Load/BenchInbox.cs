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

    /// <summary>An inbox with an Office 365 mailbox connected through the dev host's fake Graph; the fake's subscription for it.</summary>
    public static async Task<JsonObject> CreateOffice365(HttpClient api, string address)
    {
        var inboxId = await NewInbox(api);
        var channel = await Expect(await api.PostAsync($"api/inboxes/{inboxId}/channels", JsonContent.Create(new { kind = "email", provider = "office365", address })));
        var channelId = JsonNode.Parse(channel)!["id"]!.GetValue<string>();
        await Expect(await api.PostAsync($"api/inboxes/{inboxId}/channels/{channelId}/office365-connection", JsonContent.Create(new { tenantId = FakeGraph.TenantId })));
        var subscriptions = JsonNode.Parse(await Expect(await api.GetAsync("bench/graph-subscriptions")))!.AsArray();
        return subscriptions.Select(s => s!.AsObject()).Single(s => s["resource"]!.GetValue<string>().Contains(address, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An inbox with a forwarding address; its inbound URL and secret, as the connect answer gives them once.</summary>
    public static async Task<(Uri Url, string Secret)> CreateForwarding(HttpClient api, string address)
    {
        var inboxId = await NewInbox(api);
        var channel = JsonNode.Parse(await Expect(await api.PostAsync($"api/inboxes/{inboxId}/channels", JsonContent.Create(new
        {
            kind = "email",
            provider = "forwarding",
            address,
            fromName = new { format = "companyOnly", companyName = "Contoso" },
        }))))!;
        return (new Uri(channel["inbound"]!["url"]!.GetValue<string>()), channel["inbound"]!["secret"]!.GetValue<string>());
    }

    private static async Task<string> NewInbox(HttpClient api)
    {
        var inbox = await Expect(await api.PostAsync("api/inboxes",
            JsonContent.Create(new { name = "Bench " + Guid.NewGuid().ToString("N")[..6], members = new { everyone = true } })));
        return JsonNode.Parse(inbox)!["id"]!.GetValue<string>();
    }

    private static async Task<string> Expect(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return body;
    }
}
