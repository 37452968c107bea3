using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using InboxServerless.DevHost;
using InboxServerless.DevHost.Functions;
using InboxServerless.Functions.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InboxServerless.EndToEnd.Tests.Fuzz;

/// <summary>
/// Every HTTP endpoint of the function app but the webhooks (see <see cref="MessengerWebhookFuzzTests"/>), found in the
/// dev host's function table so that a new one is fuzzed the day it is declared: as an admin of a fresh account with an
/// inbox, channels, a conversation, a ticket and a wizard, thousands of requests with mutated JSON bodies (from a valid
/// sample where there is one), garbage route values, malformed <c>If-Match</c> headers and garbage principals. None may be
/// a 5xx, and every 4xx is problem details with a status the OpenAPI document lists for that operation.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class ApiFuzzTests(DevHostFixture host, ITestOutputHelper output)
{
    private const int Requests = 2_000;

    private static readonly string[] GarbageIds =
    [
        " ", "%", "a/b", "a\\b", "a?b", "a#b", "*", "'; DROP TABLE inboxes; --", "<script>alert(1)</script>",
        "\U0001F4A5", "\u202e", "con", "null", "undefined", "0", "-1", "\u00ff", "\t", "a b", "{inboxId}", "\uFFFF", "%2e%2e", "%2F",
    ];

    private static readonly string[] GarbageETags =
    [
        "", "*", "\"\"", "\"", "W/\"x\"", "W/", "garbage", "\"00000000-0000-0000-0000-000000000000\"", "\"a\", \"b\"", "null", "-1", "\"x\"\"",
    ];

    [Fact]
    public async Task Mutated_requests_to_every_endpoint_answer_documented_problems_and_never_5xx()
    {
        var seed = FuzzSeed.Value;
        var fuzz = new Mutator(seed);
        var log = new FuzzLog(seed);
        using var anonymous = host.WithPrincipal(null);
        var document = await (await anonymous.GetAsync("api/openapi.json").Expect(HttpStatusCode.OK)).Body();
        var functions = DevHostApp.Functions
            .Where(f => f.Trigger == TriggerKind.Http && !f.Route!.StartsWith("api/webhooks/", StringComparison.Ordinal))
            .SelectMany(f => f.Methods.Select(m => (Function: f, Method: m)))
            .ToList();
        var account = DevHostFixture.NewAccount();
        var world = await World.Create(host, account);
        var clock = Stopwatch.StartNew();
        var recent = new Queue<string>();

        for (var i = 0; i < Requests; i++)
        {
            var (function, method) = functions[i % functions.Count];
            var documented = Documented(document, function.Route!, method);
            var mutations = new List<string>();
            var path = Route(fuzz, world, function, mutations);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT" or "PATCH" || fuzz.Chance(0.1))
            {
                var (kind, body) = fuzz.MutateBody(Sample(function.Name, path), RequestReading.MaxBodyBytes);
                mutations.Add("body " + kind);
                request.Content = new ByteArrayContent(body);
                var contentType = fuzz.Chance(0.1) ? fuzz.Pick(["text/plain", "application/xml", "!!", "application/jsonx", "multipart/form-data"]) : "application/json";
                if (contentType != "application/json") mutations.Add("content type " + contentType);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            if (fuzz.Chance(0.35))
            {
                var etag = fuzz.Chance(0.3) ? world.ETag : fuzz.Pick(GarbageETags);
                if (etag != world.ETag && fuzz.Chance(0.2)) etag = new string('"', 1) + new string('e', fuzz.Random.Next(1_000, 8_000)) + "\"";
                mutations.Add("If-Match " + Shorten(etag));
                request.Headers.TryAddWithoutValidation("If-Match", etag);
            }

            var principal = fuzz.Chance(0.2) ? Principals.Garbage(fuzz) : (Kind: "admin", Header: world.Principal);
            if (principal.Kind != "admin") mutations.Add("principal " + principal.Kind);
            request.Headers.TryAddWithoutValidation(ClientPrincipal.Header, principal.Header);
            // A delete that only its body or query string mutates would go through: a stale ETag keeps the world (mostly).
            var refused = mutations.Any(m => !m.StartsWith("body", StringComparison.Ordinal) && !m.StartsWith("content type", StringComparison.Ordinal) &&
                                             !m.StartsWith('?'));
            if (method == "DELETE" && !refused) request.Headers.TryAddWithoutValidation("If-Match", "\"stale\"");

            using var response = await anonymous.SendAsync(request);
            var status = (int)response.StatusCode;
            var answer = await response.Content.ReadAsByteArrayAsync();
            log.Seen($"{function.Name} {method}", status);
            var why = Judge(status, response.Content.Headers.ContentType?.MediaType, answer, documented);
            var described = $"#{i} {method} {Shorten(path)} [{string.Join("; ", mutations)}]";
            // A server error can be the aftermath of an earlier request (a store that went down): say what came before.
            if (why is not null) log.Fail(described, status >= 500 ? $"{why} (after {string.Join(" | ", recent)})" : why);
            recent.Enqueue($"{described} → {status}");
            if (recent.Count > 3) recent.Dequeue();

            // A delete that went through takes part of the world with it: make it anew.
            if (method == "DELETE" && status is >= 200 and < 300) world = await world.Renew(host, function.Name);
        }

        output.WriteLine($"API fuzz: seed {seed}, {log.Requests} requests to {functions.Count} operations in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var line in log.Summary()) output.WriteLine("  " + line);
        log.AssertNone();
        await anonymous.GetAsync("api/openapi.json").Expect(HttpStatusCode.OK);
    }

    private static string? Judge(int status, string? mediaType, byte[] answer, IReadOnlySet<int> documented)
    {
        // A documented 503 (a dependency such as Meta's Graph API unavailable, or not configured here) is an answer; any
        // other 5xx is a crash.
        if (status >= 500 && !(status == 503 && documented.Contains(503) && mediaType == "application/problem+json"))
            return $"a server error {status}: {Shorten(Encoding.UTF8.GetString(answer))}";
        if (status is < 400 or 503) return status is >= 200 and < 300 or 503 ? null : $"unexpected {status}";
        if (!documented.Contains(status)) return $"{status} is not in the OpenAPI document for this operation ({string.Join(", ", documented)})";
        if (mediaType != "application/problem+json") return $"a {status} without problem details ({mediaType ?? "no content type"})";
        try
        {
            var problem = JsonNode.Parse(answer);
            return problem?["status"]?.GetValue<int>() == status && problem["title"]?.GetValue<string>() is { Length: > 0 }
                ? null
                : $"a {status} whose problem details say otherwise: {Shorten(Encoding.UTF8.GetString(answer))}";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return $"a {status} whose problem details are not JSON: {e.Message}";
        }
    }

    /// <summary>The statuses the OpenAPI document lists for the operation at this route and method.</summary>
    private static IReadOnlySet<int> Documented(JsonNode document, string route, string method)
    {
        var operation = document["paths"]?["/" + route]?[method.ToLowerInvariant()]
                        ?? throw new InvalidOperationException($"{method} /{route} is not in the OpenAPI document.");
        return operation["responses"]!.AsObject().Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
    }

    /// <summary>The route with the world's ids, now and then one of them garbage or very long.</summary>
    private static string Route(Mutator fuzz, World world, FunctionDescriptor function, List<string> mutations)
    {
        var names = OpenApiRouteParameters(function.Route!);
        var garbled = names.Count > 0 && fuzz.Chance(0.3) ? fuzz.Pick(names) : null;
        var path = function.Route!;
        foreach (var name in names)
        {
            string value;
            if (name == garbled)
            {
                value = fuzz.Chance(0.25) ? new string(fuzz.Pick(['a', '9', '-', '\u00e9']), fuzz.Random.Next(256, 1_000)) : fuzz.Pick(GarbageIds);
                mutations.Add($"{name} {Shorten(value)}");
            }
            else
            {
                value = world.Value(fuzz, name);
            }

            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        // Query values the list endpoints read, valid or not.
        if (fuzz.Chance(0.2))
        {
            var query = fuzz.Pick(["pageSize", "continuationToken", "status", "assigneeId"]);
            var value = fuzz.Pick(["0", "101", "-1", "ten", "1e3", "2147483648", "", "open", "closed", "OPEN", "\u0000", "%", new string('x', 1_000), "eyJ9", "null"]);
            mutations.Add($"?{query}={Shorten(value)}");
            path += $"?{query}={Uri.EscapeDataString(value)}";
        }

        return path;
    }

    private static List<string> OpenApiRouteParameters(string route) =>
        [.. System.Text.RegularExpressions.Regex.Matches(route, @"\{\**(?<name>[^{}:=?*]+)[^{}]*\}").Select(m => m.Groups["name"].Value)];

    /// <summary>A valid body for the operation (as the README writes them), or generic JSON where the operation reads none.</summary>
    private static string Sample(string function, string path) => function switch
    {
        "CreateInbox" or "UpdateInbox" =>
            """{"name":"Fuzzed","members":{"everyone":true},"timeZone":"Europe/Paris","notifications":{"fallbackEmail":"leads@contoso.com"}}""",
        "ConnectChannel" or "UpdateChannel" => Channel(path.Length),
        "ConnectMessengerPage" or "AuthorizeSetupMessengerPage" => """{"userAccessToken":"EAABfuzz"}""",
        "SaveUser" => """{"name":"Ann Lee","email":"ann@contoso.com","hasPaidSeat":true}""",
        "SaveTeam" => """{"name":"Support","memberIds":["alice"]}""",
        "SetConversationAssignee" => """{"assigneeId":"alice"}""",
        "ReplyToConversation" => """{"text":"On it!"}""",
        "PreviewEmailChannel" =>
            """{"channel":{"kind":"email","provider":"gmail","address":"preview@contoso.com","fromName":{"format":"agentAndCompany","companyName":"Contoso"},"signature":"<p>{{fullName}}</p>"},"userId":"alice"}""",
        "SubmitSetupStep" => path.Split('/', '?')[4] switch
        {
            "name" => """{"name":"Wizard","timeZone":"Europe/Paris"}""",
            "members" => """{"members":{"everyone":true}}""",
            "review" => """{"confirm":true}""",
            _ => Channel(path.Length),
        },
        _ => """{"name":"x","count":1,"tags":["a","b"],"nested":{"flag":true,"items":[{"id":"1"}]}}""",
    };

    private static string Channel(int pick) => (pick % 4) switch
    {
        0 => """
             {"kind":"email","provider":"gmail","address":"support@contoso.com","fromName":{"format":"companyOnly","companyName":"Contoso"},
              "signature":"<p>{{fullName}}, Contoso support</p>",
              "routing":{"assignment":{"mode":"specific","userIds":["alice"]},"tickets":{"pipeline":"support","status":"new","priority":"medium"},"createContacts":true},
              "logForwardedEmailToOriginalSender":true}
             """,
        1 => """
             {"kind":"chat","accentColor":"#FF7A59","welcomeMessage":"Hi! How can we help?","openWelcomeMessageAsPrompt":true,
              "header":{"mode":"contactOwner","fallback":"custom","name":"Contoso support"},
              "availability":{"mode":"officeHours","officeHours":[{"day":"monday","start":"09:00","end":"17:30"}],
                              "typicalReplyTime":"fewHours","outsideHours":"awayMessage","awayMessage":"We are away."},
              "placement":"right"}
             """,
        2 => """
             {"kind":"messenger","pageId":"102938475610","pageName":"Contoso","greeting":"Hello!","instantReply":{"enabled":true,"text":"Thanks."},
              "consent":{"mode":"explicit","text":"May we keep this conversation?"}}
             """,
        _ => """{"kind":"form","formId":"contact-us"}""",
    };

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + $"… ({text.Length} characters)";

    /// <summary>Principal headers App Service would never send: not base64, not JSON, the wrong shape, huge.</summary>
    private static class Principals
    {
        public static (string Kind, string Header) Garbage(Mutator fuzz) => fuzz.Random.Next(14) switch
        {
            0 => ("empty", ""),
            1 => ("not base64", "not base64 !!"),
            2 => ("base64 of text", B64("hello")),
            3 => ("base64 of null", B64("null")),
            4 => ("base64 of an array", B64("[]")),
            5 => ("claims not an array", B64("""{"claims":"accountId"}""")),
            6 => ("a null claim", B64("""{"claims":[null,{"typ":"accountId","val":"a"},{"typ":"oid","val":"u"}]}""")),
            7 => ("claims of the wrong types", B64("""{"claims":[{"typ":1,"val":true}],"role_typ":[]}""")),
            8 => ("no account", B64("""{"claims":[{"typ":"oid","val":"u"},{"typ":"roles","val":"AccountAdmin"}]}""")),
            9 => ("invalid UTF-8", Convert.ToBase64String([0x7B, 0xFF, 0xFE, 0x7D])),
            10 => ("deep nesting", B64(new string('[', 5_000) + new string(']', 5_000))),
            11 => ("odd account and user ids", ClientPrincipal.Encode(fuzz.Pick(GarbageIds) + "x", fuzz.Pick(GarbageIds) + "y", ClientPrincipal.AccountAdminRole)),
            12 => ("very long ids", ClientPrincipal.Encode(new string('a', fuzz.Random.Next(256, 6_000)), new string('u', 300), ClientPrincipal.AccountAdminRole)),
            _ => ("odd roles", ClientPrincipal.Encode(DevHostFixture.NewAccount(), "u", "accountadmin", "AccountAdmin ", "SuperAdmin\u0000", "")),
        };

        private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// The account the requests act on: an inbox everyone belongs to, with a form channel (tickets on) and a messenger channel,
    /// a routed conversation with its ticket, users and a team, and a wizard started.
    /// </summary>
    private sealed class World(string account, Dictionary<string, string[]> values, string etag, string principal)
    {
        /// <summary>After a delete went through: a new wizard for a cancelled one, else a new world.</summary>
        public async Task<World> Renew(DevHostFixture host, string function)
        {
            if (function != "CancelSetup") return await Create(host, account);
            using var admin = host.Admin(account);
            values["id"] = [(await (await admin.Send(HttpMethod.Post, "api/setup").Expect(HttpStatusCode.Accepted)).Body())["id"]!.GetValue<string>()];
            return this;
        }

        public string ETag => etag;

        public string Principal => principal;

        public string Value(Mutator fuzz, string name) =>
            values.TryGetValue(name, out var choices) ? fuzz.Pick(choices) : throw new InvalidOperationException($"No value for route parameter {name}.");

        /// <summary>The routed conversation, once there with its ticket (events queued before it may still be routing).</summary>
        private static async Task<JsonNode> FirstConversation(HttpClient admin, string inboxId)
        {
            for (var wait = Stopwatch.StartNew(); ; await Task.Delay(200))
            {
                var items = (await (await admin.GetAsync($"api/inboxes/{inboxId}/conversations").Expect(HttpStatusCode.OK)).Body())["items"]!.AsArray();
                if (items.Count > 0 && items[0]!["ticketId"] is not null) return items[0]!;
                if (wait.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("The form submission was not routed within 60 s.");
            }
        }

        public static async Task<World> Create(DevHostFixture host, string account)
        {
            using var admin = host.Admin(account);
            await admin.Send(HttpMethod.Put, "api/directory/users/alice", """{"name":"Alice","email":"alice@fuzz.test","hasPaidSeat":true}""").Expect(HttpStatusCode.OK);
            await admin.Send(HttpMethod.Put, "api/directory/teams/support", """{"name":"Support","memberIds":["alice"]}""").Expect(HttpStatusCode.OK);
            var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", $$$"""{"name":"Fuzz {{{Guid.NewGuid():N}}}","members":{"everyone":true}}""")
                .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
            var formId = "fuzz-form-" + Guid.NewGuid().ToString("N")[..8];
            var form = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
                    $$$$"""{"kind":"form","formId":"{{{{formId}}}}","routing":{"tickets":{"pipeline":"support","status":"new"}}}""")
                .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
            var page = Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999);
            var messenger = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
                    $$$"""{"kind":"messenger","pageId":"{{{page}}}","pageName":"Fuzz"}""")
                .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
            using (var developer = host.DevAdmin())
                await developer.Send(HttpMethod.Post, "admin/events", $$$"""
                {"channel":"form","type":"message","bindingKey":"form:{{{formId}}}","externalId":"submission-1",
                 "sender":{"id":"visitor@customer.test","email":"visitor@customer.test"},
                 "sentAt":"2026-11-25T09:00:00Z","receivedAt":"2026-11-25T09:00:00Z"}
                """).Expect(HttpStatusCode.Accepted);
            var conversation = await FirstConversation(admin, inboxId);
            var setup = (await (await admin.Send(HttpMethod.Post, "api/setup").Expect(HttpStatusCode.Accepted)).Body())["id"]!.GetValue<string>();
            var etag = (await admin.GetAsync($"api/inboxes/{inboxId}").Expect(HttpStatusCode.OK)).ETag();
            var attachment = new AttachmentContent("fuzz.txt", "text/plain", false, "fuzz"u8.ToArray());
            await host.Services.GetRequiredService<IAttachmentStore>().Put(account, inboxId, AttachmentRules.Id(attachment), attachment, default);
            return new World(account, new Dictionary<string, string[]>
            {
                ["inboxId"] = [inboxId],
                ["channelId"] = [form, messenger],
                ["conversationId"] = [conversation["id"]!.GetValue<string>()],
                ["ticketId"] = [conversation["ticketId"]!.GetValue<string>()],
                ["id"] = [setup],
                ["step"] = ["name", "members", "channel", "settings", "review"],
                ["userId"] = ["alice", "bob"],
                ["teamId"] = ["support", "sales"],
                ["attachmentId"] = [AttachmentRules.Id(attachment), new string('0', 64)],
            }, etag, ClientPrincipal.Encode(account, "admin", ClientPrincipal.AccountAdminRole));
        }
    }
}
