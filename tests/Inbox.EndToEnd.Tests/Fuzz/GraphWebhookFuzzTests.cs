using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InboxServerless.Functions.Webhooks;
using InboxServerless.Local;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InboxServerless.EndToEnd.Tests.Fuzz;

/// <summary>
/// Thousands of mutated requests to Graph's two webhooks over real HTTP: batches built as Graph sends them for a
/// subscription the dev host holds (items with its clientState, a wrong one, or an unknown subscription), then cut,
/// bit-flipped, retyped, blown up, nested deep, made invalid UTF-8, with odd content types; and validation handshakes
/// with garbage tokens. Whatever comes, the host answers 202, a 400 or 413 problem, or 200 echoing the token — never a
/// 5xx — and queues nothing for a request that does not carry the subscription's clientState (counted by
/// <see cref="DevHostFixture.Enqueued"/>; the collection's tests run one at a time).
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class GraphWebhookFuzzTests(DevHostFixture host, ITestOutputHelper output)
{
    private const int Deliveries = 1_200;
    private const int Handshakes = 300;
    private const int MaxRequestLine = 8 * 1024 - 32;
    private static readonly string[] Webhooks = ["api/webhooks/graph", "api/webhooks/graph/lifecycle"];

    private static readonly string?[] ContentTypes =
        [null, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1", "application/xml", "!!/??"];

    [Fact]
    public async Task Mutated_notifications_are_answered_as_documented_and_only_those_with_the_client_state_are_queued()
    {
        var seed = FuzzSeed.Value;
        var fuzz = new Mutator(seed);
        var log = new FuzzLog(seed);
        var subscription = await ConnectedMailbox();
        var clientState = subscription["clientState"]!.GetValue<string>();
        using var graph = host.WithPrincipal(null);
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < Deliveries; i++)
        {
            var webhook = fuzz.Pick(Webhooks);
            var (json, ours) = Batch(fuzz, subscription, lifecycle: webhook.EndsWith("lifecycle", StringComparison.Ordinal));
            var (kind, body) = fuzz.MutateBody(json, GraphWebhookFunctions.MaxBodyBytes);
            var contentType = fuzz.Chance(0.1) ? fuzz.Pick(ContentTypes) : "application/json";

            var before = host.Enqueued.Count;
            var answer = await Post(graph, webhook, body, contentType);
            var queued = host.Enqueued.Count - before;
            log.Seen($"POST /{webhook}", answer.Status);

            var carried = Occurrences(body, clientState);
            var why = answer.Status switch
            {
                >= 500 => $"a server error {answer.Status}",
                202 when queued > carried => $"queued {queued} events for a body carrying the clientState {carried} times",
                202 when kind == "unchanged" && queued != ours => $"a valid delivery with {ours} items of ours queued {queued}",
                202 => null,
                400 or 413 when queued != 0 => $"refused with {answer.Status} but queued {queued}",
                400 or 413 => answer.MediaType == "application/problem+json" ? null : $"{answer.Status} without problem details",
                _ => $"expected 202, 400 or 413, got {answer.Status}",
            };
            if (why is null && body.Length > GraphWebhookFunctions.MaxBodyBytes && answer.Status != 413) why = $"over the cap: expected 413, got {answer.Status}";
            if (why is not null) log.Fail($"#{i} {webhook} [{kind}; {contentType ?? "no content type"}; {body.Length} bytes]", why);
        }

        for (var i = 0; i < Handshakes; i++)
        {
            var token = Token(fuzz);
            var target = $"{fuzz.Pick(Webhooks)}?validationToken={Uri.EscapeDataString(token)}";
            var response = await graph.PostAsync(target, new StringContent("", Encoding.UTF8, "text/plain"));
            var text = await response.Content.ReadAsStringAsync();
            log.Seen("POST ?validationToken=", (int)response.StatusCode);
            // Graph's tokens are short; a request line past Kestrel's 8 KB is refused by the server before any function.
            if (target.Length > MaxRequestLine && response.StatusCode == HttpStatusCode.RequestUriTooLong) continue;
            if (response.StatusCode != HttpStatusCode.OK || text != token || response.Content.Headers.ContentType?.MediaType != "text/plain")
                log.Fail($"#{i} validation {token.Length} characters", $"expected 200 text/plain echoing the token, got {(int)response.StatusCode} {response.Content.Headers.ContentType}");
        }

        output.WriteLine($"Graph webhooks fuzz: seed {seed}, {log.Requests} requests in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var line in log.Summary()) output.WriteLine("  " + line);
        await host.WhenIdle(TimeSpan.FromSeconds(90));
        log.AssertNone();
    }

    /// <summary>
    /// One to three items as Graph sends them: of our subscription with its clientState (a quarter), with a wrong one, or of
    /// a subscription nobody holds. Lifecycle items of ours are <c>missed</c> or <c>reauthorizationRequired</c> only, so the
    /// subscription stays the same through the run.
    /// </summary>
    private static (string Json, int Ours) Batch(Mutator fuzz, JsonObject subscription, bool lifecycle)
    {
        var items = new JsonArray();
        var ours = 0;
        for (var n = fuzz.Random.Next(1, 4); n > 0; n--)
        {
            var item = FakeGraph.Notification(subscription, "AAMkAG-fuzz-" + fuzz.Random.Next(1_000_000) + "=");
            if (lifecycle)
            {
                item.Remove("changeType");
                item.Remove("resourceData");
                item["lifecycleEvent"] = fuzz.Pick(["missed", "reauthorizationRequired"]);
            }

            switch (fuzz.Random.Next(4))
            {
                case 0: ours++; break;
                case 1: item["clientState"] = item["clientState"]!.GetValue<string>() + fuzz.Pick(["x", " ", "\u00e9"]); break;
                case 2: item["clientState"] = null; break;
                default: item["subscriptionId"] = Guid.NewGuid().ToString(); break;
            }

            items.Add(item);
        }

        return (new JsonObject { ["value"] = items }.ToJsonString(), ours);
    }

    private static string Token(Mutator fuzz) => fuzz.Random.Next(4) switch
    {
        0 => "Validation: Testing client application reachability for subscription Request-Id: " + Guid.NewGuid(),
        1 => new string([.. Enumerable.Range(0, fuzz.Random.Next(1, 200)).Select(_ => (char)fuzz.Random.Next(0x20, 0x7f))]),
        2 => new string([.. Enumerable.Range(0, fuzz.Random.Next(1, 50)).Select(_ => (char)fuzz.Random.Next(0xa0, 0x2000))]),
        _ => fuzz.HugeString(fuzz.Random.Next(1, 4_000)),
    };

    private static int Occurrences(byte[] body, string value)
    {
        var text = Encoding.UTF8.GetString(body);
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal)) count++;
        return count;
    }

    private sealed record Answer(int Status, string? MediaType);

    private static async Task<Answer> Post(HttpClient graph, string webhook, byte[] body, string? contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await graph.SendAsync(request);
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>An Office 365 channel connected through the API; Graph's (the fake's) subscription on its mailbox.</summary>
    private async Task<JsonObject> ConnectedMailbox()
    {
        var account = DevHostFixture.NewAccount();
        var address = $"fuzz@{account}.contoso.com";
        using var admin = host.Admin(account);
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Fuzzed mailbox","members":{"everyone":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var channelId = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
            $$"""{"kind":"email","provider":"office365","address":"{{address}}"}""").Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var fake = host.Services.GetRequiredService<FakeGraph>();
        fake.AddMailbox(address);
        await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{channelId}/office365-connection",
            $$"""{"tenantId":"{{FakeGraph.TenantId}}"}""").Expect(HttpStatusCode.OK);
        return Assert.Single(fake.SubscriptionsOf(address));
    }
}
