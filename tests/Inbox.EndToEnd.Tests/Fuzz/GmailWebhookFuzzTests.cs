using System.Diagnostics;
using System.Net;
using System.Text.Json;
using InboxServerless.DevHost;
using InboxServerless.EndToEnd.Tests.Gmail;
using InboxServerless.Functions.Webhooks;
using InboxServerless.Local.Google;
using Xunit.Abstractions;

namespace InboxServerless.EndToEnd.Tests.Fuzz;

/// <summary>
/// Mutated Pub/Sub pushes to the Gmail webhook over real HTTP: notices built as Pub/Sub sends them (for a mailbox a Gmail
/// channel holds, or one nobody holds), then cut, bit-flipped, retyped, blown up, nested deep, made invalid UTF-8, with
/// <c>message.data</c> that is not base64 or not a notice, and sent with Google's token, none, a forged one, an expired one,
/// one for another audience or account, garbage, or two. Whatever comes, the host answers a documented 4xx (204 only for
/// what is valid and Google-signed), never a 5xx, and queues nothing for a push without a good token.
/// </summary>
[Collection(GmailHostCollection.Name)]
public sealed class GmailWebhookFuzzTests(GmailHostFixture host, ITestOutputHelper output)
{
    private const int Pushes = 1_500;
    private const string Webhook = "api/webhooks/gmail";

    [Fact]
    public async Task Mutated_pushes_are_refused_as_documented_and_only_Google_signed_ones_are_queued()
    {
        var seed = FuzzSeed.Value;
        var fuzz = new Mutator(seed);
        var log = new FuzzLog(seed);
        var account = "e2e-" + Guid.NewGuid().ToString("N");
        var address = $"fuzz@{account}.example.com";
        await Connect(account, address);
        using var pubSub = host.WithPrincipal(null);
        using var forger = new FakeGoogleSigner(host.Google.Signer.KeyId);
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < Pushes; i++)
        {
            var ours = fuzz.Chance(0.05);
            var (json, noticeMutated) = Notice(fuzz, ours ? address : $"nobody-{i}@{account}.example.com", i);
            var (kind, body) = fuzz.MutateBody(json, GmailWebhookFunctions.MaxBodyBytes);
            var now = DateTimeOffset.UtcNow;
            var (tokenKind, authorization) = fuzz.Random.Next(100) switch
            {
                < 60 => ("google", host.Google.Signer.PushToken(FakeGmail.PushAudience, FakeGoogle.ServiceAccount, now)),
                < 66 => ("none", null),
                < 72 => ("forged", forger.PushToken(FakeGmail.PushAudience, FakeGoogle.ServiceAccount, now)),
                < 78 => ("expired", host.Google.Signer.PushToken(FakeGmail.PushAudience, FakeGoogle.ServiceAccount, now.AddHours(-3))),
                < 84 => ("other audience", host.Google.Signer.PushToken("https://elsewhere.example/", FakeGoogle.ServiceAccount, now)),
                < 90 => ("other account", host.Google.Signer.PushToken(FakeGmail.PushAudience, "evil@x.iam.gserviceaccount.com", now)),
                < 95 => ("garbage", new string([.. Enumerable.Range(0, fuzz.Random.Next(1, 300)).Select(_ => (char)fuzz.Random.Next(0x21, 0x7f))])),
                _ => ("flipped", Flip(fuzz, host.Google.Signer.PushToken(FakeGmail.PushAudience, FakeGoogle.ServiceAccount, now))),
            };
            var signed = tokenKind == "google";
            var contentType = fuzz.Chance(0.1) ? fuzz.Pick<string?>([null, "text/plain", "application/xml", "!!/??"]) : "application/json";

            var before = host.Enqueued.Count;
            var (status, mediaType) = await Post(pubSub, body, contentType, authorization is null ? null : "Bearer " + authorization);
            var queued = host.Enqueued.Count - before;
            log.Seen($"POST /{Webhook} ({(signed ? "Google's token" : "no good token")})", status);

            string? why = status >= 500 ? $"a server error {status}"
                : status != 204 && queued != 0 ? $"refused with {status} but queued {queued}"
                : body.Length > GmailWebhookFunctions.MaxBodyBytes ? (status == 413 ? null : $"over the cap: expected 413, got {status}")
                : !signed ? (status == 401 ? null : $"no good token: expected 401, got {status} (queued {queued})")
                : status is not (204 or 400) ? $"Google's token: expected 204 or 400, got {status}"
                : kind == "unchanged" && !noticeMutated && (status != 204 || queued != (ours ? 1 : 0)) ? $"a valid push must be 204 and queue {(ours ? 1 : 0)}; queued {queued}"
                : null;
            if (why is null && status is 400 or 401 or 413 && mediaType != "application/problem+json") why = $"{status} without problem details";
            if (why is not null) log.Fail($"#{i} [{kind}; token {tokenKind}; {contentType ?? "no content type"}; {body.Length} bytes]", why);
        }

        output.WriteLine($"Gmail webhook fuzz: seed {seed}, {log.Requests} requests in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var line in log.Summary()) output.WriteLine("  " + line);
        await host.WhenIdle();
        log.AssertNone();
    }

    /// <summary>A push as Pub/Sub sends it (docs/wire-contracts.md, Gmail): base64 of the notice, string ids.</summary>
    private static (string Json, bool NoticeMutated) Notice(Mutator fuzz, string address, int i)
    {
        var json = FakeGoogle.PushBody(address, fuzz.Random.NextInt64(1, long.MaxValue), $"fuzz-{i}-{fuzz.Random.Next()}");
        if (!fuzz.Chance(0.15)) return (json, false);
        // The notice itself mutated, inside a well-formed envelope.
        var (_, inner) = fuzz.MutateStructure(JsonSerializer.Serialize(new { emailAddress = address, historyId = 12345 }), 1_000);
        return (json.Replace(JsonDocument.Parse(json).RootElement.GetProperty("message").GetProperty("data").GetString()!,
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(inner))), true);
    }

    private static string Flip(Mutator fuzz, string token)
    {
        var chars = token.ToCharArray();
        var at = fuzz.Random.Next(chars.Length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static async Task<(int Status, string? MediaType)> Post(HttpClient client, byte[] body, string? contentType, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType);
    }

    private async Task Connect(string account, string address)
    {
        using var admin = host.Admin(account);
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Fuzz"}""").Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var channelId = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
                $$$"""{"kind":"email","provider":"gmail","address":"{{{address}}}","fromName":{"companyName":"Contoso"}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var consent = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{channelId}/gmail-authorization")
            .Expect(HttpStatusCode.OK)).Body())["consentUrl"]!.GetValue<string>();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var redirect = await browser.GetAsync(consent);
        await admin.GetAsync(redirect.Headers.Location!.PathAndQuery.TrimStart('/')).Expect(HttpStatusCode.OK);
    }
}
