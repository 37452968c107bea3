using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// Issue 12: a Messenger page cannot be taken over across accounts. Over real HTTP against the dev host, with Meta's
/// Graph API stood in for at HTTP (<see cref="FakeMeta"/>): account A proves page P and then lets it go; account B names P
/// through the plain channel API, which proves nothing, so B's channel stays pending, P's deliveries route nothing to B,
/// and A's page token is never sent again by anyone; only B's own proof makes P B's, with B's own token.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class PageTakeoverTests(DevHostFixture host)
{
    private const string Webhook = "api/webhooks/messenger";

    private readonly string pageId = Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(CultureInfo.InvariantCulture);

    private IConversationStore Conversations => host.Services.GetRequiredService<IConversationStore>();

    private string Channel() => $$$"""
        {"kind":"messenger","pageId":"{{{pageId}}}","pageName":"Contoso Bikes",
         "instantReply":{"enabled":true,"text":"Thanks, we will be right with you."}}
        """;

    private static async Task<(string InboxId, string ChannelId, JsonNode Channel)> PageChannel(HttpClient admin, string body)
    {
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Social","members":{"everyone":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var channel = await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels", body).Expect(HttpStatusCode.Created)).Body();
        return (inboxId, channel["id"]!.GetValue<string>(), channel);
    }

    private async Task Deliver(string mid, string psid)
    {
        // Sent now: the greeting is sent only within Messenger's window, by the dev host's real clock.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var body = Encoding.UTF8.GetBytes($$$"""
            {"object":"page","entry":[{"id":"{{{pageId}}}","time":{{{now}}},"messaging":[
             {"sender":{"id":"{{{psid}}}"},"recipient":{"id":"{{{pageId}}}"},"timestamp":{{{now}}},"message":{"mid":"{{{mid}}}","text":"Hi"}}]}]}
            """);
        using var meta = host.WithPrincipal(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Hub-Signature-256",
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(MessengerWebhookTests.AppSecret), body)));
        await meta.SendAsync(request).Expect(HttpStatusCode.OK);
        await host.WhenIdle();
    }

    private async Task<int> ConversationCount(string inboxId) =>
        (await Conversations.List(inboxId, new ConversationFilter(), 100, null, CancellationToken.None)).Items.Count;

    [Fact]
    public async Task A_page_let_go_by_one_account_is_not_taken_over_by_another_that_merely_names_it()
    {
        using var a = host.Admin(DevHostFixture.NewAccount());
        using var b = host.Admin(DevHostFixture.NewAccount());
        var tokenOfA = FakeMeta.PageTokenOf("a-user-token", pageId);
        var tokenOfB = FakeMeta.PageTokenOf("b-user-token", pageId);

        // A connects P and proves it: A's channel routes, and its instant reply goes out with A's page token.
        var (inboxOfA, channelOfA, created) = await PageChannel(a, Channel());
        Assert.Equal("pending", created["ownership"]?["state"]?.GetValue<string>());
        await a.ProvePage(inboxOfA, channelOfA, "a-user-token").Expect(HttpStatusCode.OK);
        var proven = await (await a.GetAsync($"api/inboxes/{inboxOfA}/channels/{channelOfA}").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal("proven", proven["ownership"]?["state"]?.GetValue<string>());
        await Deliver("m_a_1", "psid-a");
        Assert.Equal(1, await ConversationCount(inboxOfA));
        Assert.Contains(host.Meta.For(pageId), r => r.IsSend(pageId) && r.BearerToken == tokenOfA);

        // A lets P go: the app is unsubscribed with A's token, which is then deleted.
        await a.Send(HttpMethod.Delete, $"api/inboxes/{inboxOfA}/channels/{channelOfA}").Expect(HttpStatusCode.NoContent);
        Assert.Contains(host.Meta.For(pageId), r => r.Method == HttpMethod.Delete && r.BearerToken == tokenOfA);
        var afterRelease = host.Meta.For(pageId).Count;

        // B names P through the plain channel API, with no token: created, but pending, so P's deliveries route nothing to B.
        var (inboxOfB, channelOfB, named) = await PageChannel(b, Channel());
        Assert.Equal("pending", named["ownership"]?["state"]?.GetValue<string>());
        Assert.NotNull(named["ownership"]?["expiresAt"]);
        await Deliver("m_b_1", "psid-b");
        Assert.Equal(0, await ConversationCount(inboxOfB));
        Assert.Empty(host.Meta.For(pageId).Skip(afterRelease)); // no greeting, no reply: nothing sent for P at all

        // A user token Meta does not confirm for P proves nothing: still pending.
        await b.ProvePage(inboxOfB, channelOfB, FakeMeta.NotAdmin + "-b").Expect(HttpStatusCode.BadRequest);
        Assert.Equal(0, await ConversationCount(inboxOfB));

        // B proves P with its own token: now P is B's, and what B sends carries B's token.
        await b.ProvePage(inboxOfB, channelOfB, "b-user-token").Expect(HttpStatusCode.OK);
        await Deliver("m_b_2", "psid-b");
        Assert.Equal(1, await ConversationCount(inboxOfB));
        var sentSinceRelease = host.Meta.For(pageId).Skip(afterRelease).Where(r => r.IsSend(pageId)).ToList();
        Assert.NotEmpty(sentSinceRelease);
        Assert.All(sentSinceRelease, r => Assert.Equal(tokenOfB, r.BearerToken));
        Assert.DoesNotContain(host.Meta.For(pageId).Skip(afterRelease), r => r.BearerToken == tokenOfA);
    }
}
