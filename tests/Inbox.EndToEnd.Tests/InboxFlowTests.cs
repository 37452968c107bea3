using System.Net;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>The README's walk-through, over HTTP against the dev host and the Cosmos DB emulator.</summary>
[Collection(DevHostCollection.Name)]
public sealed class InboxFlowTests(DevHostFixture host)
{
    private readonly string account = DevHostFixture.NewAccount();

    private const string Support = """{"name":"Support","members":{"everyone":true},"timeZone":"Europe/Paris"}""";

    private const string EmailChannel = """
        {"kind":"email","provider":"office365","address":"support@contoso.com"}
        """;

    [Fact]
    public async Task An_admin_sets_up_an_inbox_with_a_team_email_channel()
    {
        using var admin = host.Admin(account);

        // The directory: a user with a paid seat.
        var user = await (await admin.Send(HttpMethod.Put, "api/directory/users/alice",
            """{"name":"Alice Martin","email":"alice@contoso.com","hasPaidSeat":true}""").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal("alice", user["id"]!.GetValue<string>());
        var directory = await (await admin.GetAsync("api/directory").Expect(HttpStatusCode.OK)).Body();
        Assert.Contains(directory["users"]!.AsArray(), u => u!["id"]!.GetValue<string>() == "alice");

        // Create the inbox: 201, where it is, and the ETag guarding its next change.
        var created = await admin.Send(HttpMethod.Post, "api/inboxes", Support).Expect(HttpStatusCode.Created);
        var inbox = await created.Body();
        var id = inbox["id"]!.GetValue<string>();
        Assert.Equal($"/api/inboxes/{id}", created.Headers.Location?.OriginalString);
        var createdETag = created.ETag();
        Assert.Equal("Support", inbox["name"]!.GetValue<string>());
        Assert.Equal("Europe/Paris", inbox["timeZone"]!.GetValue<string>());
        Assert.Equal(account, inbox["accountId"]!.GetValue<string>());

        // Connect the team e-mail.
        var connected = await admin.Send(HttpMethod.Post, $"api/inboxes/{id}/channels", EmailChannel.Replace("contoso.com", $"{account}.contoso.com"))
            .Expect(HttpStatusCode.Created);
        var channel = await connected.Body();
        var channelId = channel["id"]!.GetValue<string>();
        Assert.Equal($"/api/inboxes/{id}/channels/{channelId}", connected.Headers.Location?.OriginalString);
        Assert.Equal("email", channel["settings"]!["kind"]!.GetValue<string>());

        // Read it back: the inbox holds the channel, and its ETag moved on.
        var read = await admin.GetAsync($"api/inboxes/{id}").Expect(HttpStatusCode.OK);
        var current = await read.Body();
        var channels = current["channels"]!.AsArray();
        Assert.Single(channels);
        Assert.Equal(channelId, channels[0]!["id"]!.GetValue<string>());
        Assert.Equal($"support@{account}.contoso.com", channels[0]!["settings"]!["address"]!.GetValue<string>());
        Assert.NotEqual(createdETag, read.ETag());
        await admin.GetAsync(connected.Headers.Location!.OriginalString.TrimStart('/')).Expect(HttpStatusCode.OK);

        // A change made with what was read before someone else's change is refused; so is a change that says nothing.
        const string renamed = """{"name":"Customer support","members":{"everyone":true},"timeZone":"Europe/Paris"}""";
        await admin.Send(HttpMethod.Put, $"api/inboxes/{id}", renamed, ifMatch: createdETag).Problem(HttpStatusCode.PreconditionFailed);
        await admin.Send(HttpMethod.Put, $"api/inboxes/{id}", renamed).Problem(HttpStatusCode.PreconditionRequired);
        var updated = await admin.Send(HttpMethod.Put, $"api/inboxes/{id}", renamed, ifMatch: read.ETag()).Expect(HttpStatusCode.OK);
        Assert.Equal("Customer support", (await updated.Body())["name"]!.GetValue<string>());
        Assert.Single((await updated.Body())["channels"]!.AsArray());

        // The list.
        var list = await (await admin.GetAsync("api/inboxes").Expect(HttpStatusCode.OK)).Body();
        var items = list["items"]!.AsArray();
        Assert.Single(items);
        Assert.Equal("Customer support", items[0]!["name"]!.GetValue<string>());

        // Tear down: disconnect, delete with the current ETag; then it is gone.
        await admin.Send(HttpMethod.Delete, $"api/inboxes/{id}/channels/{channelId}").Expect(HttpStatusCode.NoContent);
        var afterDisconnect = await admin.GetAsync($"api/inboxes/{id}").Expect(HttpStatusCode.OK);
        Assert.Empty((await afterDisconnect.Body())["channels"]!.AsArray());
        await admin.Send(HttpMethod.Delete, $"api/inboxes/{id}", ifMatch: afterDisconnect.ETag()).Expect(HttpStatusCode.NoContent);
        await admin.GetAsync($"api/inboxes/{id}").Problem(HttpStatusCode.NotFound);
        Assert.Empty(await admin.InboxIds());
    }

    [Fact]
    public async Task Inbox_names_are_unique_within_an_account()
    {
        using var admin = host.Admin(account);
        await admin.Send(HttpMethod.Post, "api/inboxes", Support).Expect(HttpStatusCode.Created);
        await admin.Send(HttpMethod.Post, "api/inboxes", Support.Replace("Support", " support ")).Problem(HttpStatusCode.Conflict);
        Assert.Single(await admin.InboxIds());
    }

    [Fact]
    public async Task A_team_email_address_belongs_to_one_inbox()
    {
        using var admin = host.Admin(account);
        var email = EmailChannel.Replace("contoso.com", $"{account}.contoso.com");
        var first = (await (await admin.Send(HttpMethod.Post, "api/inboxes", Support).Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var second = (await (await admin.Send(HttpMethod.Post, "api/inboxes", Support.Replace("Support", "Sales")).Expect(HttpStatusCode.Created))
            .Body())["id"]!.GetValue<string>();

        await admin.Send(HttpMethod.Post, $"api/inboxes/{first}/channels", email).Expect(HttpStatusCode.Created);
        await admin.Send(HttpMethod.Post, $"api/inboxes/{second}/channels", email.Replace("support@", "SUPPORT@")).Problem(HttpStatusCode.Conflict);
        Assert.Empty((await (await admin.GetAsync($"api/inboxes/{second}").Expect(HttpStatusCode.OK)).Body())["channels"]!.AsArray());
    }

    [Fact]
    public async Task Without_a_principal_header_the_development_principal_is_used()
    {
        // The dev host's own principal (appsettings.json): admin of "dev-account". Its inboxes are its own.
        using var anonymous = host.WithPrincipal(null);
        var directory = await (await anonymous.GetAsync("api/directory").Expect(HttpStatusCode.OK)).Body();
        Assert.NotNull(directory["users"]);
        using var admin = host.Admin(account);
        await admin.Send(HttpMethod.Post, "api/inboxes", Support).Expect(HttpStatusCode.Created);
        var ids = await admin.InboxIds();
        Assert.DoesNotContain(await anonymous.InboxIds(), ids.Contains);
    }
}
