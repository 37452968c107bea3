using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using InboxServerless.Functions.Webhooks;
using Xunit.Abstractions;

namespace InboxServerless.EndToEnd.Tests.Fuzz;

/// <summary>
/// Thousands of mutated requests to Meta's Messenger webhook over real HTTP: deliveries built as Meta sends them for a
/// page an inbox holds (so that a correctly signed one is queued), then cut, bit-flipped, retyped, blown up, nested deep,
/// made invalid UTF-8, sent with wrong, missing, malformed, duplicated or replayed signatures and odd content types; and
/// handshakes with garbage, missing, duplicated and huge <c>hub.*</c> values. Whatever comes, the host answers a
/// documented 4xx (200 only for what is genuinely valid and signed), never a 5xx, and queues nothing for a request whose
/// signature does not match its bytes (counted by <see cref="DevHostFixture.Enqueued"/>; the collection's tests run one
/// at a time, so a before/after count is this request's).
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class MessengerWebhookFuzzTests(DevHostFixture host, ITestOutputHelper output)
{
    private const int Deliveries = 2_400;
    private const int Handshakes = 600;
    private const string Webhook = "api/webhooks/messenger";
    private const string SignatureHeader = "X-Hub-Signature-256";
    private const string DuplicateLines = "duplicate header lines";

    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static readonly string?[] ContentTypes =
    [
        null, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1", "multipart/form-data; boundary=x",
        "application/xml", "!!/??", "application/problem+json",
    ];

    [Fact]
    public async Task Mutated_deliveries_are_refused_as_documented_and_only_correctly_signed_ones_are_queued()
    {
        var seed = FuzzSeed.Value;
        var fuzz = new Mutator(seed);
        var log = new FuzzLog(seed);
        var pageId = await ConnectedPage();
        using var meta = host.WithPrincipal(null);
        var clock = Stopwatch.StartNew();
        var enqueuedBefore = host.Enqueued.Count;

        for (var i = 0; i < Deliveries; i++)
        {
            var signature = fuzz.Random.Next(100);
            // Mostly our page where the signature cannot be right (a wrongly accepted request would be queued); mostly another
            // page where it may be, so that routing what is queued stays quick (the dev host routes about an event a second).
            var (json, events) = Batch(fuzz, pageId, ours: CannotSignRight(signature) ? 0.9 : 0.02);
            var (kind, body) = fuzz.MutateBody(json, MessengerWebhookFunctions.MaxBodyBytes);
            var (signing, headers) = Signatures(fuzz, signature, Encoding.ASCII.GetBytes(json), body);
            var contentType = fuzz.Chance(0.1) ? fuzz.Pick(ContentTypes) : "application/json";

            var before = host.Enqueued.Count;
            var answer = signing == DuplicateLines ? await RawPost(body, contentType, headers) : await Post(meta, body, contentType, headers);
            var queued = host.Enqueued.Count - before;

            var signed = headers.Count(h => h.Name == SignatureHeader) == 1 && signing != DuplicateLines &&
                         IsSignatureOf(headers.Single(h => h.Name == SignatureHeader).Value, body);
            log.Seen($"POST /{Webhook} ({(signed ? "correctly signed" : "not correctly signed")})", answer.Status);
            var why = Judge(answer, body.Length, signed, queued) ??
                      (kind == "unchanged" && signed && contentType == "application/json" && (answer.Status != 200 || queued != events)
                          ? $"a valid signed delivery of {events} events must be 200 and queue them all; queued {queued}"
                          : null);
            if (why is not null) log.Fail($"#{i} [{kind}; signature {signing}; {contentType ?? "no content type"}; {body.Length} bytes]", why);
        }

        for (var i = 0; i < Handshakes; i++)
        {
            var (query, challenge) = Handshake(fuzz);
            var response = await meta.GetAsync(Webhook + query);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            log.Seen($"GET /{Webhook} (handshake)", status);
            var why = challenge is not null
                ? status != 200 || text != challenge || response.Content.Headers.ContentType?.MediaType != "text/plain"
                    ? $"our token and subscribe: expected 200 text/plain echoing the challenge, got {status} {response.Content.Headers.ContentType}"
                    : null
                : status != 403 ? $"expected 403, got {status}" : null;
            if (why is not null) log.Fail($"#{i} GET ?{Shorten(query)}", why);
        }

        output.WriteLine($"Messenger webhook fuzz: seed {seed}, {log.Requests} requests in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var line in log.Summary()) output.WriteLine("  " + line);
        await host.WhenIdle(TimeSpan.FromSeconds(60));
        output.WriteLine($"  the {host.Enqueued.Count - enqueuedBefore} events queued were routed by {clock.Elapsed.TotalSeconds:F1} s");
        log.AssertNone();
        await meta.GetAsync("api/openapi.json").Expect(HttpStatusCode.OK);
    }

    /// <summary>What is wrong with the answer to a delivery, if anything.</summary>
    private static string? Judge(Answer answer, int length, bool signed, int queued)
    {
        var status = answer.Status;
        if (status >= 500) return $"a server error {status}";
        if (status != 200 && queued != 0) return $"refused with {status} but queued {queued} events";
        if (length > MessengerWebhookFunctions.MaxBodyBytes) return status == 413 ? Problem(answer) : $"over the cap: expected 413, got {status}";
        if (!signed) return status == 401 ? Problem(answer) : $"not correctly signed: expected 401, got {status} (queued {queued})";
        return status switch
        {
            200 => null,
            400 => Problem(answer),
            _ => $"correctly signed: expected 200 or 400, got {status}",
        };
    }

    private static string? Problem(Answer answer) => answer.MediaType != "application/problem+json"
        ? $"{answer.Status} without problem details ({answer.MediaType ?? "no content type"})"
        : answer.ProblemStatus is { } status && status != answer.Status ? $"a {answer.Status} whose problem says {status}" : null;

    // ---- Deliveries as Meta sends them (docs/wire-contracts.md#meta-messenger-the-webhook): ASCII, non-ASCII escaped, string ids, Unix milliseconds ----

    /// <summary>
    /// One or two entries of one to three items each, of our page with the probability <paramref name="ours"/>, else of a
    /// page no inbox holds; returns how many items are ours.
    /// </summary>
    private static (string Json, int Events) Batch(Mutator fuzz, string pageId, double ours)
    {
        var entries = new List<string>();
        var events = 0;
        for (var e = fuzz.Random.Next(1, 3); e > 0; e--)
        {
            var isOurs = fuzz.Chance(ours);
            var page = isOurs ? pageId : fuzz.Random.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(CultureInfo.InvariantCulture);
            var items = Enumerable.Range(0, fuzz.Random.Next(1, 4)).Select(_ => Item(fuzz, page)).ToList();
            if (isOurs) events += items.Count;
            entries.Add($$$"""{"id":"{{{page}}}","time":{{{Ms(T0)}}},"messaging":[{{{string.Join(",", items)}}}]}""");
        }

        return ($$$"""{"object":"page","entry":[{{{string.Join(",", entries)}}}]}""", events);
    }

    private static string Item(Mutator fuzz, string page)
    {
        var psid = fuzz.Random.NextInt64(1_000_000_000_000_000, 9_999_999_999_999_999).ToString(CultureInfo.InvariantCulture);
        var mid = "m_" + fuzz.Random.NextInt64().ToString("x", CultureInfo.InvariantCulture);
        var at = Ms(T0.AddMilliseconds(fuzz.Random.Next(0, 86_400_000)));
        var from = $$$"""{"sender":{"id":"{{{psid}}}"},"recipient":{"id":"{{{page}}}"},"timestamp":{{{at}}}""";
        return fuzz.Random.Next(8) switch
        {
            0 => from + $$$""","message":{"mid":"{{{mid}}}","text":"Caf\u00e9 ouvert ? \ud83d\ude00"}}""",
            1 => from + $$$""","message":{"mid":"{{{mid}}}","attachments":[{"type":"image","payload":{"url":"https://cdn.example.test/{{{mid}}}.jpg"}}]}}""",
            2 => from + $$$$""","message":{"mid":"{{{{mid}}}}","text":"Yes","quick_reply":{"payload":"CONSENT_YES"}}}""",
            3 => $$$"""{"sender":{"id":"{{{page}}}"},"recipient":{"id":"{{{psid}}}"},"timestamp":{{{at}}},"message":{"mid":"{{{mid}}}","is_echo":true,"app_id":1234,"text":"On it"}}""",
            4 => from + $$$""","postback":{"title":"Get started","payload":"GET_STARTED","mid":"{{{mid}}}"}}""",
            5 => from + $$$""","read":{"watermark":{{{at}}}}}""",
            6 => from + $$$""","delivery":{"mids":["{{{mid}}}"],"watermark":{{{at}}}}}""",
            _ => from + ""","optin":{"ref":"landing-page"}}""",
        };
    }

    private static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    // ---- Signatures ----

    /// <summary>
    /// Whether the signature <paramref name="kind"/> (0–99) is wrong whatever the body: not correct, not replayed (right when
    /// the mutation left the bytes as they were), not upper-case hex, not beside another header.
    /// </summary>
    private static bool CannotSignRight(int kind) => kind is >= 50 and < 94 and not (>= 61 and < 64);

    private static (string Kind, (string Name, string Value)[] Headers) Signatures(Mutator fuzz, int kind, byte[] original, byte[] body)
    {
        var hex = Hex(body, MessengerWebhookTests.AppSecret);
        var right = "sha256=" + hex;
        return kind switch
        {
            < 25 => ("correct", [(SignatureHeader, right)]),
            < 50 => ("replayed from the unmutated body", [(SignatureHeader, "sha256=" + Hex(original, MessengerWebhookTests.AppSecret))]),
            < 57 => ("missing", []),
            < 61 => ("of another secret", [(SignatureHeader, "sha256=" + Hex(body, "another-app-secret"))]),
            < 64 => ("upper-case hex", [(SignatureHeader, "sha256=" + hex.ToUpperInvariant())]),
            < 67 => ("upper-case prefix", [(SignatureHeader, "SHA256=" + hex)]),
            < 70 => ("sha1 in the sha256 header",
                [(SignatureHeader, "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(MessengerWebhookTests.AppSecret), body)))]),
            < 72 => ("legacy header only", [("X-Hub-Signature", "sha1=" + hex[..40])]),
            < 75 => ("truncated", [(SignatureHeader, right[..^fuzz.Random.Next(1, 64)])]),
            < 77 => ("extended", [(SignatureHeader, right + fuzz.Pick(["0", "a", " x", "==", ",sha256=" + hex]))]),
            < 80 => ("not hex", [(SignatureHeader, right[..^1] + fuzz.Pick(["g", "z", "-", "+", "~"]))]),
            < 82 => ("empty", [(SignatureHeader, "")]),
            < 85 => ("garbage", [(SignatureHeader, Printable(fuzz, fuzz.Random.Next(1, 200)))]),
            < 87 => ("huge", [(SignatureHeader, "sha256=" + Printable(fuzz, fuzz.Random.Next(8_000, 20_000)))]),
            < 90 => ("two values on one line", [(SignatureHeader, right), (SignatureHeader, fuzz.Chance(0.5) ? right : "sha256=" + new string('0', 64))]),
            < 94 when body.Length <= MessengerWebhookFunctions.MaxBodyBytes =>
                (DuplicateLines, [(SignatureHeader, right), (SignatureHeader, fuzz.Chance(0.5) ? right : "sha256=" + new string('0', 64))]),
            _ => ("valid, and a second header of another name", [(SignatureHeader, right), ("X-Hub-Signature-256-Extra", "sha256=" + new string('f', 64))]),
        };
    }

    private static string Hex(byte[] body, string secret) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>The product's rule: <c>sha256=</c> and the HMAC of the bytes in hex (either case: it is the same signature).</summary>
    private static bool IsSignatureOf(string header, byte[] body) =>
        header.StartsWith("sha256=", StringComparison.Ordinal) &&
        header["sha256=".Length..].Equals(Hex(body, MessengerWebhookTests.AppSecret), StringComparison.OrdinalIgnoreCase);

    private static string Printable(Mutator fuzz, int length) =>
        string.Create(length, fuzz, (span, f) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = (char)f.Random.Next(0x20, 0x7F);
        });

    // ---- The handshake ----

    /// <summary>A query of garbage, missing, duplicated or huge hub.* values; the challenge expected back when it is valid.</summary>
    private static (string Query, string? Challenge) Handshake(Mutator fuzz)
    {
        var token = MessengerWebhookTests.VerifyToken;
        string[] modes = fuzz.Random.Next(10) switch
        {
            < 4 => ["subscribe"],
            4 => [],
            5 => ["subscribe", "subscribe"],
            6 => [fuzz.Pick(["unsubscribe", "", "SUBSCRIBE", "subscribe ", "subscribe\u0000", "subscribe,subscribe"])],
            7 => [Garbage(fuzz, 40)],
            8 => [new string('s', 1_500)],
            _ => ["subscribe"],
        };
        string[] tokens = fuzz.Random.Next(10) switch
        {
            < 4 => [token],
            4 => [],
            5 => [token, token],
            6 => [fuzz.Pick([token + "x", token[..^1], token.ToUpperInvariant(), "", " " + token, token + "\u0000", "\u00e9" + token[1..]])],
            7 => [Garbage(fuzz, 40)],
            8 => [new string('t', 1_500)],
            _ => [token],
        };
        string[] challenges = fuzz.Random.Next(8) switch
        {
            < 3 => [fuzz.Random.NextInt64(1, long.MaxValue).ToString(CultureInfo.InvariantCulture)],
            3 => [],
            4 => [fuzz.Pick(["", "<script>alert(1)</script>", "a&b=c", "\u202e\U0001F4A5", "%00", "line\r\nbreak"])],
            5 => [Garbage(fuzz, 60)],
            6 => [new string('7', 1_500)],
            _ => ["1", "2"],
        };

        var pairs = modes.Select(v => ("hub.mode", v)).Concat(tokens.Select(v => ("hub.verify_token", v)))
            .Concat(challenges.Select(v => ("hub.challenge", v))).ToList();
        if (fuzz.Chance(0.2)) pairs.Add((fuzz.Pick(["hub.mode[]", "hub", "hub.challenge.x", "HUB.MODE", ""]), Garbage(fuzz, 10)));
        var shuffled = pairs.OrderBy(_ => fuzz.Random.Next()).ToList();
        var query = shuffled.Count == 0 && fuzz.Chance(0.5)
            ? ""
            : "?" + string.Join("&", shuffled.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2)));
        // Query keys are case-insensitive in ASP.NET Core, so HUB.MODE counts as a second hub.mode.
        var extraMode = shuffled.Any(p => p.Item1 == "HUB.MODE");
        var valid = modes is ["subscribe"] && !extraMode && tokens.SequenceEqual([token]) && challenges.Length > 0;
        // Repeated values come back joined with commas, in the order they were sent.
        return (query, valid ? string.Join(",", shuffled.Where(p => p.Item1 == "hub.challenge").Select(p => p.Item2)) : null);
    }

    private static string Garbage(Mutator fuzz, int maxLength) =>
        string.Create(fuzz.Random.Next(1, maxLength), fuzz, (span, f) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = (char)f.Random.Next(1, 0x3000);
                span[i] = char.IsSurrogate(c) ? '?' : c;
            }
        });

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + $"… ({text.Length} characters)";

    // ---- Sending ----

    private sealed record Answer(int Status, string? MediaType, int? ProblemStatus);

    private static async Task<Answer> Post(HttpClient meta, byte[] body, string? contentType, (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await meta.SendAsync(request);
        var text = await response.Content.ReadAsByteArrayAsync();
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, ProblemStatus(text));
    }

    /// <summary>
    /// POSTs over a bare socket, to send one header on two lines (HttpClient joins repeated values on one line). The answer's
    /// body is not read: its status line and content type are enough here.
    /// </summary>
    private async Task<Answer> RawPost(byte[] body, string? contentType, (string Name, string Value)[] headers)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        var head = new StringBuilder($"POST /{Webhook} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nConnection: close\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        if (contentType is not null) head.Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n");
        foreach (var (name, value) in headers) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        await stream.WriteAsync(body);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received);
        var text = Encoding.ASCII.GetString(received.ToArray());
        var lines = text[..Math.Max(0, text.IndexOf("\r\n\r\n", StringComparison.Ordinal))].Split("\r\n");
        var type = lines.FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?["Content-Type:".Length..].Split(';')[0].Trim();
        return new Answer(int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture), type, null);
    }

    private static int? ProblemStatus(byte[] body)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body)?["status"]?.GetValue<int>() ?? -1;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return -1;
        }
    }

    /// <summary>A page a Messenger channel of an inbox holds, as <see cref="MessengerWebhookTests"/> sets one up.</summary>
    private async Task<string> ConnectedPage()
    {
        using var admin = host.Admin(DevHostFixture.NewAccount());
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Fuzzed page","members":{"everyone":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var pageId = Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(CultureInfo.InvariantCulture);
        var channelId = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels", $$$"""{"kind":"messenger","pageId":"{{{pageId}}}","pageName":"Fuzz"}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        await admin.ProvePage(inboxId, channelId).Expect(HttpStatusCode.OK); // a page routes once proven
        return pageId;
    }
}
