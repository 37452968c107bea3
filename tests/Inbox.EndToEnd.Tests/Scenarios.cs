using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// What the end-to-end tests set up through the API, as an admin would: Contoso's people, a proven page, a proven
/// forwarding address.
/// </summary>
internal static class Scenarios
{
    /// <summary>Contoso's people: Alice and Bob have paid seats, Carol has none.</summary>
    private static readonly Dictionary<string, string> People = new()
    {
        ["alice"] = """{"name":"Alice Martin","email":"alice@contoso.com","hasPaidSeat":true}""",
        ["bob"] = """{"name":"Bob Stone","email":"bob@contoso.com","hasPaidSeat":true}""",
        ["carol"] = """{"name":"Carol Vance","email":"carol@contoso.com"}""",
    };

    public static async Task AddPeople(this HttpClient admin, params string[] userIds)
    {
        foreach (var userId in userIds)
            await admin.Send(HttpMethod.Put, $"api/directory/users/{userId}", People[userId]).Expect(HttpStatusCode.OK);
    }

    /// <summary>A page id no other test uses.</summary>
    public static string NewPageId() => Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// An inbox everyone belongs to, with a Messenger page of its own routed as <paramref name="routing"/> (JSON) and
    /// proven, so that it routes: its admin's token, confirmed by Meta's stand-in.
    /// </summary>
    public static async Task<(string PageId, string InboxId)> AddPageInbox(this HttpClient admin, string inboxName, string routing)
    {
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", $$$"""{"name":"{{{inboxName}}}","members":{"everyone":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var pageId = NewPageId();
        var channelId = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
                $$$"""{"kind":"messenger","pageId":"{{{pageId}}}","pageName":"Contoso Bikes","routing":{{{routing}}}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        await admin.ProvePage(inboxId, channelId).Expect(HttpStatusCode.OK);
        return (pageId, inboxId);
    }

    /// <summary>A forwarding channel as its connect answer gave it: the inbound URL and secret, shown once.</summary>
    public sealed record Forwarding(string ChannelId, string Url, string Secret);

    /// <summary>
    /// Connects a forwarding e-mail channel and proves it as the address's provider would: the verification message the
    /// product sent (read from the dev host's outbox) comes back, forwarded, to the inbound URL.
    /// </summary>
    public static async Task<Forwarding> AddForwardingChannel(this DevHostFixture host, HttpClient admin, string inboxId, string address, string routing = "{}")
    {
        var forwarding = await admin.ConnectForwarding(inboxId, address, routing);
        using var provider = host.WithPrincipal(null);
        await provider.PostForwarded(forwarding, await host.VerificationMessage(address)).Expect(HttpStatusCode.Accepted);
        await host.WhenIdle();
        var channel = await (await admin.GetAsync($"api/inboxes/{inboxId}/channels/{forwarding.ChannelId}").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal("proven", channel["ownership"]!["state"]!.GetValue<string>());
        return forwarding;
    }

    /// <summary>Connects a forwarding channel, still pending, and returns its inbound URL and secret.</summary>
    public static async Task<Forwarding> ConnectForwarding(this HttpClient admin, string inboxId, string address, string routing = "{}")
    {
        var connected = await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels", $$$"""
            {"kind":"email","provider":"forwarding","address":"{{{address}}}",
             "fromName":{"format":"companyOnly","companyName":"Contoso"},"routing":{{{routing}}}}
            """).Expect(HttpStatusCode.Created)).Body();
        return new Forwarding(connected["id"]!.GetValue<string>(), connected["inbound"]!["url"]!.GetValue<string>(),
            connected["inbound"]!["secret"]!.GetValue<string>());
    }

    /// <summary>The newest verification message the outbox holds for the address, as it arrives back through forwarding.</summary>
    public static async Task<string> VerificationMessage(this DevHostFixture host, string address)
    {
        using var developer = host.DevAdmin();
        var outbox = (await (await developer.GetAsync("admin/outbox").Expect(HttpStatusCode.OK)).Body()).AsArray();
        var sent = outbox.First(m => m!["to"]!.GetValue<string>() == address && m["subject"]!.GetValue<string>().Contains("inbox-verify-"))!;
        return $"""
            From: {sent["from"]!.GetValue<string>()}
            To: {address}
            Subject: Fwd: {sent["subject"]!.GetValue<string>()}
            Message-ID: <verify-{Guid.NewGuid():N}@forwarder.test>

            {sent["plainText"]!.GetValue<string>()}
            """;
    }

    /// <summary>Posts a raw message as a provider's forwarding does: HTTP Basic with the secret, message/rfc822.</summary>
    public static Task<HttpResponseMessage> PostForwarded(this HttpClient provider, Forwarding forwarding, string mime, string? secret = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, forwarding.Url)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(mime.ReplaceLineEndings("\r\n"))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"forwarder:{secret ?? forwarding.Secret}")));
        return provider.SendAsync(request);
    }
}
