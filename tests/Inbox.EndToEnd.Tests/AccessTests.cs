using System.Net;
using System.Text;
using InboxServerless.Functions.Http;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>Who may do what, decided from the principal header App Service Authentication passes on.</summary>
[Collection(DevHostCollection.Name)]
public sealed class AccessTests(DevHostFixture host)
{
    private readonly string account = DevHostFixture.NewAccount();
    private readonly string otherAccount = DevHostFixture.NewAccount();

    private async Task<(string Id, string ETag)> CreateInbox(HttpClient admin, string name = "Support")
    {
        var created = await admin.Send(HttpMethod.Post, "api/inboxes", $$$"""{"name":"{{{name}}}","members":{"everyone":true}}""").Expect(HttpStatusCode.Created);
        return ((await created.Body())["id"]!.GetValue<string>(), created.ETag());
    }

    [Fact]
    public async Task Another_accounts_admin_cannot_see_or_change_the_inbox()
    {
        using var admin = host.Admin(account);
        using var stranger = host.Admin(otherAccount);
        var (id, etag) = await CreateInbox(admin);

        await stranger.GetAsync($"api/inboxes/{id}").Problem(HttpStatusCode.NotFound);
        Assert.Empty(await stranger.InboxIds());
        await stranger.Send(HttpMethod.Put, $"api/inboxes/{id}", """{"name":"Mine now"}""", ifMatch: etag).Problem(HttpStatusCode.NotFound);
        await stranger.Send(HttpMethod.Post, $"api/inboxes/{id}/channels", """{"kind":"form","formId":"contact-us"}""").Problem(HttpStatusCode.NotFound);
        await stranger.Send(HttpMethod.Delete, $"api/inboxes/{id}", ifMatch: etag).Problem(HttpStatusCode.NotFound);

        var read = await admin.GetAsync($"api/inboxes/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal(etag, read.ETag());
        Assert.Equal([id], await admin.InboxIds());
    }

    [Fact]
    public async Task The_dev_hosts_admin_endpoints_are_for_the_development_admin_only()
    {
        using var developer = host.DevAdmin();
        using var stranger = host.Admin(otherAccount);
        using var member = host.As(DevHostFixture.DevAccount, "ann");
        using var anonymous = host.WithPrincipal("not-a-principal");

        await developer.GetAsync("admin/dead-letters").Expect(HttpStatusCode.OK);
        await stranger.GetAsync("admin/dead-letters").Problem(HttpStatusCode.Forbidden);
        await stranger.Send(HttpMethod.Post, "admin/dead-letters/replay").Problem(HttpStatusCode.Forbidden);
        await stranger.Send(HttpMethod.Post, "admin/events", "[]").Problem(HttpStatusCode.Forbidden);
        await stranger.Send(HttpMethod.Post, "admin/functions/WatchMessengerWindows").Problem(HttpStatusCode.Forbidden);
        await member.GetAsync("admin/dead-letters").Problem(HttpStatusCode.Forbidden);
        await anonymous.GetAsync("admin/dead-letters").Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Nobody_reads_the_slack_webhook_url_back_neither_a_member_nor_an_admin()
    {
        using var admin = host.Admin(account);
        using var member = host.As(account, "alice");
        const string url = "https://hooks.slack.com/services/T000/B000/SECRETSECRET";
        var created = await admin.Send(HttpMethod.Post, "api/inboxes",
            $$$"""{"name":"Alerts","members":{"everyone":true},"notifications":{"fallbackEmail":"leads@contoso.com","slackWebhookUrl":"{{{url}}}"}}""")
            .Expect(HttpStatusCode.Created);
        var createdBody = await created.Content.ReadAsStringAsync();
        var id = (await created.Body())["id"]!.GetValue<string>();

        var readings = new List<string> { createdBody };
        foreach (var reader in new[] { admin, member })
        {
            readings.Add(await (await reader.GetAsync($"api/inboxes/{id}").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync());
            readings.Add(await (await reader.GetAsync("api/inboxes").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync());
        }

        foreach (var body in readings)
        {
            Assert.DoesNotContain("SECRETSECRET", body);
            Assert.DoesNotContain("slackWebhookUrl", body);
        }

        var notifications = (await (await member.GetAsync($"api/inboxes/{id}").Expect(HttpStatusCode.OK)).Body())["notifications"]!;
        Assert.True(notifications["slack"]!["configured"]!.GetValue<bool>());
        Assert.Equal("hooks.slack.com", notifications["slack"]!["host"]!.GetValue<string>());

        // An update that omits the URL keeps it; "" removes it.
        var kept = await admin.Send(HttpMethod.Put, $"api/inboxes/{id}", """{"name":"Alerts","notifications":{"fallbackEmail":"leads@contoso.com"}}""",
            ifMatch: created.ETag()).Expect(HttpStatusCode.OK);
        Assert.True((await kept.Body())["notifications"]!["slack"]!["configured"]!.GetValue<bool>());
        var removed = await admin.Send(HttpMethod.Put, $"api/inboxes/{id}", """{"name":"Alerts","notifications":{"slackWebhookUrl":""}}""",
            ifMatch: kept.ETag()).Expect(HttpStatusCode.OK);
        Assert.False((await removed.Body())["notifications"]!["slack"]!["configured"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("https://127.0.0.1:7394/x")]
    [InlineData("https://169.254.169.254/latest")]
    [InlineData("https://evil.test/services/T/B/X")]
    public async Task A_slack_webhook_that_is_not_slacks_is_refused_naming_the_field(string url)
    {
        using var admin = host.Admin(account);

        var refused = await admin.Send(HttpMethod.Post, "api/inboxes", $$$"""{"name":"Alerts","notifications":{"slackWebhookUrl":"{{{url}}}"}}""")
            .Problem(HttpStatusCode.BadRequest);

        Assert.Contains("notifications.slackWebhookUrl", refused);
    }

    [Fact]
    public async Task The_same_name_may_be_used_in_another_account()
    {
        using var admin = host.Admin(account);
        using var other = host.Admin(otherAccount);
        var (mine, _) = await CreateInbox(admin);
        var (theirs, _) = await CreateInbox(other);
        Assert.Equal([mine], await admin.InboxIds());
        Assert.Equal([theirs], await other.InboxIds());
    }

    [Fact]
    public async Task A_member_who_is_not_an_admin_cannot_set_up_inboxes()
    {
        using var admin = host.Admin(account);
        using var member = host.As(account, "alice");
        var (id, etag) = await CreateInbox(admin);

        await member.Send(HttpMethod.Post, "api/inboxes", """{"name":"Sales"}""").Problem(HttpStatusCode.Forbidden);
        await member.Send(HttpMethod.Put, $"api/inboxes/{id}", """{"name":"Renamed"}""", ifMatch: etag).Problem(HttpStatusCode.Forbidden);
        await member.Send(HttpMethod.Post, $"api/inboxes/{id}/channels", """{"kind":"form","formId":"contact-us"}""").Problem(HttpStatusCode.Forbidden);
        await member.Send(HttpMethod.Delete, $"api/inboxes/{id}", ifMatch: etag).Problem(HttpStatusCode.Forbidden);
        await member.Send(HttpMethod.Put, "api/directory/users/alice", """{"name":"Alice","email":"alice@contoso.com","isSuperAdmin":true}""")
            .Problem(HttpStatusCode.Forbidden);

        // A member of an inbox for everyone sees it, unchanged.
        Assert.Equal([id], await member.InboxIds());
        var read = await member.GetAsync($"api/inboxes/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal(etag, read.ETag());
        Assert.Equal("Support", (await read.Body())["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_member_sees_only_the_inboxes_they_belong_to()
    {
        using var admin = host.Admin(account);
        using var bob = host.As(account, "bob");
        await admin.Send(HttpMethod.Put, "api/directory/users/alice", """{"name":"Alice","email":"alice@contoso.com"}""").Expect(HttpStatusCode.OK);
        await admin.Send(HttpMethod.Put, "api/directory/users/bob", """{"name":"Bob","email":"bob@contoso.com"}""").Expect(HttpStatusCode.OK);
        var created = await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Alice only","members":{"everyone":false,"userIds":["alice"]}}""")
            .Expect(HttpStatusCode.Created);
        var id = (await created.Body())["id"]!.GetValue<string>();

        Assert.Empty(await bob.InboxIds());
        await bob.GetAsync($"api/inboxes/{id}").Problem(HttpStatusCode.NotFound);
        using var alice = host.As(account, "alice");
        Assert.Equal([id], await alice.InboxIds());
    }

    public static TheoryData<string> BadPrincipals => new()
    {
        "not base64!",
        Convert.ToBase64String(Encoding.UTF8.GetBytes("not json")),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"claims":[{"typ":"roles","val":"AccountAdmin"}]}""")), // no account, no user
        Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"claims":[{"typ":"accountId","val":"a"}]}""")),        // no user
        "",
    };

    [Theory]
    [MemberData(nameof(BadPrincipals))]
    public async Task A_request_with_an_invalid_principal_is_401(string header)
    {
        using var client = host.WithPrincipal(header);
        await client.GetAsync("api/inboxes").Problem(HttpStatusCode.Unauthorized);
        await client.Send(HttpMethod.Post, "api/inboxes", """{"name":"Support"}""").Problem(HttpStatusCode.Unauthorized);
        await client.GetAsync("api/directory").Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_principal_with_roles_in_the_standard_claim_type_is_understood()
    {
        // Entra ID puts app roles in "roles"; App Service may pass them under the long claim type with role_typ.
        const string roleType = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
        var json = $$"""
            {"auth_typ":"aad","role_typ":"{{roleType}}","claims":[
              {"typ":"http://schemas.microsoft.com/identity/claims/tenantid","val":"{{account}}"},
              {"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"carol"},
              {"typ":"{{roleType}}","val":"{{ClientPrincipal.AccountAdminRole}}"}]}
            """;
        using var client = host.WithPrincipal(Convert.ToBase64String(Encoding.UTF8.GetBytes(json)));
        await CreateInbox(client);
        using var admin = host.Admin(account);
        Assert.Single(await admin.InboxIds());
    }
}
