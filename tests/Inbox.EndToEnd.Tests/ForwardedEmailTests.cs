using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// Forwarded mail on the dev host over HTTP: connect a forwarding address (its inbound URL and secret shown once), the
/// verification message in the outbox, posted back as the provider would forward it, proves the address; then forwarded
/// messages become stored, threaded conversations, a redelivery adds nothing, and bad input is a 4xx that queues nothing.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class ForwardedEmailTests(DevHostFixture host)
{
    private readonly string account = DevHostFixture.NewAccount();

    private string Address => $"orders@{account}.contoso.com";

    private const string Question = """
        From: =?ISO-8859-1?Q?Jos=E9_Garc=EDa?= <jose@customer.test>
        To: Orders <orders@contoso.com>
        Subject: =?UTF-8?B?UsOpc2VydmF0aW9uIG7CsCA0Mg==?=
        Date: Tue, 24 Nov 2026 18:02:09 +0100
        Message-ID: <q-42@mail.customer.test>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="mixed-7d1"

        --mixed-7d1
        Content-Type: text/plain; charset=ISO-8859-1
        Content-Transfer-Encoding: quoted-printable

        Le caf=E9 de la r=E9servation n=B0 42 =E9tait froid.
        --mixed-7d1
        Content-Type: application/pdf; name="facture-42.pdf"
        Content-Disposition: attachment; filename="facture-42.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQKJSVFT0YK
        --mixed-7d1--
        """;

    private const string Reply = """
        From: Jose Garcia <jose@customer.test>
        To: orders@contoso.com
        Subject: Re: =?UTF-8?B?UsOpc2VydmF0aW9uIG7CsCA0Mg==?=
        Date: Wed, 25 Nov 2026 08:59:51 +0000
        Message-ID: <q-43@mail.customer.test>
        In-Reply-To: <q-42@mail.customer.test>
        Content-Type: text/plain; charset=us-ascii

        Any news?
        """;

    private async Task<string> NewInbox(HttpClient admin) =>
        (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Orders","members":{"everyone":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();

    private async Task<JsonArray> Conversations(HttpClient admin, string inboxId) =>
        (await (await admin.GetAsync($"api/inboxes/{inboxId}/conversations").Expect(HttpStatusCode.OK)).Body())["items"]!.AsArray();

    private async Task<JsonArray> Messages(HttpClient admin, string inboxId, string conversationId) =>
        (await (await admin.GetAsync($"api/inboxes/{inboxId}/conversations/{conversationId}").Expect(HttpStatusCode.OK)).Body())["messages"]!.AsArray();

    [Fact]
    public async Task Connecting_shows_the_inbound_url_and_secret_once_and_the_verification_message_proves_the_address()
    {
        using var admin = host.Admin(account);
        var inboxId = await NewInbox(admin);

        var forwarding = await admin.ConnectForwarding(inboxId, Address);

        Assert.Equal(new Uri(host.BaseAddress, $"/api/webhooks/email/{forwarding.ChannelId}").ToString(), forwarding.Url);
        Assert.Equal(43, forwarding.Secret.Length);
        var read = await (await admin.GetAsync($"api/inboxes/{inboxId}").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        Assert.DoesNotContain(forwarding.Secret, read);
        Assert.DoesNotContain("hash", read, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("inbound", read);
        var channel = await (await admin.GetAsync($"api/inboxes/{inboxId}/channels/{forwarding.ChannelId}").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal("pending", channel["ownership"]!["state"]!.GetValue<string>());

        // Mail before the proof is acknowledged and dropped: a pending address routes nothing.
        using var provider = host.WithPrincipal(null);
        await provider.PostForwarded(forwarding, Question).Expect(HttpStatusCode.Accepted);
        await host.WhenIdle();
        Assert.Empty(await Conversations(admin, inboxId));

        // The verification message, as the address's forwarding rule delivers it, proves the address and is not kept.
        await provider.PostForwarded(forwarding, await host.VerificationMessage(Address)).Expect(HttpStatusCode.Accepted);
        await host.WhenIdle();
        channel = await (await admin.GetAsync($"api/inboxes/{inboxId}/channels/{forwarding.ChannelId}").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal("proven", channel["ownership"]!["state"]!.GetValue<string>());
        Assert.Empty(await Conversations(admin, inboxId));
        await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{forwarding.ChannelId}/verification").Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_forwarded_message_becomes_a_threaded_conversation_and_a_redelivery_adds_nothing()
    {
        using var admin = host.Admin(account);
        var inboxId = await NewInbox(admin);
        var forwarding = await host.AddForwardingChannel(admin, inboxId, Address);
        using var provider = host.WithPrincipal(null);

        await provider.PostForwarded(forwarding, Question).Expect(HttpStatusCode.Accepted);
        await host.WhenIdle();
        await provider.PostForwarded(forwarding, Reply).Expect(HttpStatusCode.Accepted);
        await provider.PostForwarded(forwarding, Question).Expect(HttpStatusCode.Accepted); // the provider retries
        await host.WhenIdle();

        var conversation = Assert.Single(await Conversations(admin, inboxId))!;
        Assert.Equal("jose@customer.test", conversation["senderId"]!.GetValue<string>());
        var messages = await Messages(admin, inboxId, conversation["id"]!.GetValue<string>());
        Assert.Equal(2, messages.Count);
        Assert.Equal("<q-42@mail.customer.test>", messages[0]!["externalId"]!.GetValue<string>());
        Assert.Equal("Le café de la réservation n° 42 était froid.", messages[0]!["text"]!.GetValue<string>().TrimEnd());
        Assert.Equal("Any news?", messages[1]!["text"]!.GetValue<string>().TrimEnd());
    }

    [Fact]
    public async Task The_same_message_in_an_inbound_parse_form_is_the_same_message()
    {
        using var admin = host.Admin(account);
        var inboxId = await NewInbox(admin);
        var forwarding = await host.AddForwardingChannel(admin, inboxId, Address);
        using var provider = host.WithPrincipal(null);
        var form = new MultipartFormDataContent("xYzZY")
        {
            { new StringContent(Address), "to" },
            { new StringContent(Question.ReplaceLineEndings("\r\n")), "email" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, forwarding.Url) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"sendgrid:{forwarding.Secret}")));

        await provider.SendAsync(request).Expect(HttpStatusCode.Accepted);
        await provider.PostForwarded(forwarding, Question).Expect(HttpStatusCode.Accepted);
        await host.WhenIdle();

        var conversation = Assert.Single(await Conversations(admin, inboxId))!;
        Assert.Single(await Messages(admin, inboxId, conversation["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Bad_input_is_a_documented_4xx_that_queues_nothing()
    {
        using var admin = host.Admin(account);
        var inboxId = await NewInbox(admin);
        var forwarding = await admin.ConnectForwarding(inboxId, Address);
        using var provider = host.WithPrincipal(null);
        var before = host.Enqueued.Count;

        var anonymous = new HttpRequestMessage(HttpMethod.Post, forwarding.Url) { Content = Raw(Question) };
        var unauthenticated = await provider.SendAsync(anonymous);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal("Basic", unauthenticated.Headers.WwwAuthenticate.Single().Scheme);
        await provider.PostForwarded(forwarding, Question, secret: "wrong").Problem(HttpStatusCode.Unauthorized);
        await provider.PostForwarded(forwarding with { Url = new Uri(host.BaseAddress, "/api/webhooks/email/no-such-channel").ToString() }, Question)
            .Problem(HttpStatusCode.Unauthorized);
        await Send(provider, forwarding, new StringContent("{}", Encoding.UTF8, "application/json")).Problem(HttpStatusCode.UnsupportedMediaType);
        await Send(provider, forwarding, Raw("this is not a message, no header here\r\n")).Problem(HttpStatusCode.BadRequest);
        await Send(provider, forwarding, Raw("")).Problem(HttpStatusCode.BadRequest);
        var huge = new byte[30 * 1024 * 1024];
        // Refused by its Content-Length before it is read; the client waits for "100 Continue", as large uploads do.
        await Send(provider, forwarding, Raw(huge), expectContinue: true).Problem(HttpStatusCode.RequestEntityTooLarge);
        // A principal on a webhook was forged: the guard refuses it before the function runs.
        using var signedIn = host.Admin(account);
        await Send(signedIn, forwarding, Raw(Question)).Problem(HttpStatusCode.BadRequest);

        Assert.Equal(before, host.Enqueued.Count);
    }

    [Fact]
    public async Task The_secret_rotates_for_admins_and_only_the_new_one_works()
    {
        using var admin = host.Admin(account);
        var inboxId = await NewInbox(admin);
        var forwarding = await admin.ConnectForwarding(inboxId, Address);
        using var provider = host.WithPrincipal(null);

        var rotated = await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{forwarding.ChannelId}/inbound-secret")
            .Expect(HttpStatusCode.OK)).Body();
        using var member = host.As(account, "alice");
        await member.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{forwarding.ChannelId}/inbound-secret").Problem(HttpStatusCode.Forbidden);
        await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{forwarding.ChannelId}/verification").Expect(HttpStatusCode.Accepted);

        Assert.Equal(forwarding.Url, rotated["inbound"]!["url"]!.GetValue<string>());
        await provider.PostForwarded(forwarding, Question).Problem(HttpStatusCode.Unauthorized);
        await provider.PostForwarded(forwarding with { Secret = rotated["inbound"]!["secret"]!.GetValue<string>() }, Question).Expect(HttpStatusCode.Accepted);
        await host.WhenIdle();
    }

    private static ByteArrayContent Raw(string mime) => Raw(Encoding.UTF8.GetBytes(mime.ReplaceLineEndings("\r\n")));

    private static ByteArrayContent Raw(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        return content;
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, Scenarios.Forwarding forwarding, HttpContent content, bool expectContinue = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, forwarding.Url) { Content = content };
        request.Headers.ExpectContinue = expectContinue;
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"x:{forwarding.Secret}")));
        return client.SendAsync(request);
    }
}
