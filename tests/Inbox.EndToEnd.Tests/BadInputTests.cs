using System.Net;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>What is wrong with a request is a 400 problem naming the field, and changes nothing.</summary>
[Collection(DevHostCollection.Name)]
public sealed class BadInputTests(DevHostFixture host)
{
    private readonly string account = DevHostFixture.NewAccount();

    public static TheoryData<string, string> BadInboxes => new()
    {
        { """{"name":"Support","members":{"everyone":true},"timeZone":"Europe/Paris" """, "" }, // malformed: no closing brace
        { """{"name":"Support",}""", "" },                                                         // malformed: trailing comma
        { """{"name":42,"members":{"everyone":true},"timeZone":"Europe/Paris"}""", "name" },      // wrong type
        { """{"name":"Support","members":{"everyone":"yes"}}""", "members.everyone" },           // wrong type, nested
        { """{"name":"Support","colour":"red"}""", "colour" },                                  // unknown field
        { """{"name":"Support","members":{"everyone":true,"admins":[]}}""", "members.admins" },   // unknown field, nested
        { """{"name":"   ","members":{"everyone":true}}""", "name" },                           // empty name
        { """{"name":"","members":{"everyone":true}}""", "name" },                              // empty name
        { """{"members":{"everyone":true}}""", "" },                                            // name missing
        { """{"name":null}""", "name" },                                                        // null name
        { """{"name":"Support","timeZone":"Mars/Olympus_Mons"}""", "timeZone" },                // unknown time zone
        { """{"name":"Support","timeZone":"Romance Standard Time"}""", "timeZone" },            // a Windows id, not IANA
        { """{"name":"Support","members":{"everyone":false}}""", "members" },                   // nobody
        { """{"name":"Support","members":{"everyone":false,"userIds":["ghost"]}}""", "members.userIds" },
        { "[]", "" },                                                                           // not an object
        { "null", "" },
    };

    [Theory]
    [MemberData(nameof(BadInboxes))]
    public async Task A_bad_inbox_is_a_400_naming_the_field_and_creates_nothing(string body, string field)
    {
        using var admin = host.Admin(account);
        var fields = await admin.Send(HttpMethod.Post, "api/inboxes", body).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(fields);
        if (field.Length > 0) Assert.Contains(field, fields);
        Assert.Empty(await admin.InboxIds());
    }

    [Fact]
    public async Task Continuation_tokens_are_opaque_and_url_safe_and_a_bad_one_is_a_400_naming_it()
    {
        using var admin = host.Admin(account);
        foreach (var name in new[] { "One", "Two", "Three" })
            await admin.Send(HttpMethod.Post, "api/inboxes", $$"""{"name":"{{name}}"}""").Expect(HttpStatusCode.Created);

        var names = new List<string>();
        var tokens = new List<string>();
        string? token = null;
        do
        {
            // The token goes into the URL as it came, not escaped: it must need no escaping.
            var page = await (await admin.GetAsync("api/inboxes?pageSize=1" + (token is null ? "" : "&continuationToken=" + token))
                .Expect(HttpStatusCode.OK)).Body();
            names.AddRange(page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
            token = page["continuationToken"]?.GetValue<string>();
            if (token is not null) tokens.Add(token);
        }
        while (token is not null);

        Assert.Equal(["One", "Three", "Two"], names.Order());
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]+$", t));
        foreach (var bad in new[] { "not%20base64", "%7B%22token%22%3A1%7D", "e30", "AAAA", tokens[0][..^2] })
            Assert.Equal(["continuationToken"], await admin.GetAsync($"api/inboxes?pageSize=1&continuationToken={bad}").Problem(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_bad_update_is_a_400_and_leaves_the_inbox_as_it_was()
    {
        using var admin = host.Admin(account);
        var created = await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Support","timeZone":"Europe/Paris"}""").Expect(HttpStatusCode.Created);
        var id = (await created.Body())["id"]!.GetValue<string>();

        var fields = await admin.Send(HttpMethod.Put, $"api/inboxes/{id}", """{"name":"Support","timeZone":"Europe/Pariss"}""", ifMatch: created.ETag())
            .Problem(HttpStatusCode.BadRequest);
        Assert.Equal(["timeZone"], fields);

        var read = await admin.GetAsync($"api/inboxes/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal(created.ETag(), read.ETag());
        Assert.Equal("Europe/Paris", (await read.Body())["timeZone"]!.GetValue<string>());
    }

    public static TheoryData<string, string> BadChannels => new()
    {
        { """{"kind":"chat","accentColor":"blue","welcomeMessage":"Hi!"}""", "accentColor" },
        { """{"kind":"chat","accentColor":"#12345G","welcomeMessage":"Hi!"}""", "accentColor" },
        { """{"kind":"chat","accentColor":"#123456","welcomeMessage":" "}""", "welcomeMessage" },
        { """{"kind":"chat","accentColor":7,"welcomeMessage":"Hi!"}""", "accentColor" },
        { """{"kind":"email","provider":"gmail","address":"not-an-address","fromName":{"companyName":"Contoso"}}""", "address" },
        { """{"kind":"email","provider":"imap","address":"a@contoso.com","fromName":{"companyName":"Contoso"}}""", "provider" },
        { """{"kind":"email","provider":"gmail","address":"a@contoso.com","fromName":{"companyName":"Contoso","logo":"x"}}""", "fromName.logo" },
        { """{"kind":"email","provider":"office365","address":"a@contoso.com","fromName":{"format":"companyOnly","companyName":"Contoso"}}""", "fromName" },
        { """{"kind":"email","provider":"gmail","address":"a@contoso.com"}""", "fromName" },
        { """{"kind":"messenger","pageId":"abc","pageName":"Contoso"}""", "pageId" },
        { """{"kind":"fax","number":"1"}""", "" },
        { """{"accentColor":"#123456","welcomeMessage":"Hi!"}""", "" },
    };

    [Theory]
    [MemberData(nameof(BadChannels))]
    public async Task A_bad_channel_is_a_400_naming_the_field_and_connects_nothing(string body, string field)
    {
        using var admin = host.Admin(account);
        var created = await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Support"}""").Expect(HttpStatusCode.Created);
        var id = (await created.Body())["id"]!.GetValue<string>();

        var fields = await admin.Send(HttpMethod.Post, $"api/inboxes/{id}/channels", body).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(fields);
        if (field.Length > 0) Assert.Contains(field, fields);

        var read = await admin.GetAsync($"api/inboxes/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal(created.ETag(), read.ETag());
        Assert.Empty((await read.Body())["channels"]!.AsArray());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        using var admin = host.Admin(account);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/inboxes") { Content = new StringContent("name=Support", null, "text/plain") };
        var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await admin.InboxIds());
    }

    [Fact]
    public async Task A_body_too_large_is_413()
    {
        using var admin = host.Admin(account);
        var name = new string('a', 300 * 1024);
        await admin.Send(HttpMethod.Post, "api/inboxes", $$"""{"name":"{{name}}"}""").Problem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await admin.InboxIds());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    public async Task A_bad_page_size_is_a_400_naming_it(string pageSize)
    {
        using var admin = host.Admin(account);
        Assert.Equal(["pageSize"], await admin.GetAsync($"api/inboxes?pageSize={pageSize}").Problem(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_bad_user_is_a_400_naming_the_field()
    {
        using var admin = host.Admin(account);
        Assert.Contains("email", await admin.Send(HttpMethod.Put, "api/directory/users/bob", """{"name":"Bob","email":"bob"}""")
            .Problem(HttpStatusCode.BadRequest));
        Assert.Contains("userId", await admin.Send(HttpMethod.Put, "api/directory/users/bob%20smith", """{"name":"Bob","email":"bob@contoso.com"}""")
            .Problem(HttpStatusCode.BadRequest));
        var directory = await (await admin.GetAsync("api/directory").Expect(HttpStatusCode.OK)).Body();
        Assert.Empty(directory["users"]!.AsArray());
    }
}
