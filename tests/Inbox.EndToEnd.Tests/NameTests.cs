using System.Net;
using System.Text.Json;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>Names that look the same are the same name; names with control characters are refused, naming the field.</summary>
[Collection(DevHostCollection.Name)]
public sealed class NameTests(DevHostFixture host)
{
    public static TheoryData<string> LookAlikes => new()
    {
        "Ｓｕｐｐｏｒｔ １９",          // full-width letters and digits
        "Sup\u200Bport 19",         // a zero-width space
        "Support\u00A019",          // a no-break space
        "Support\u200319",          // an em-space
        "Support 19\u0301",         // a combining mark with nothing to compose with
        "Support\u0301 19",         // t and an acute: no precomposed letter
        "Support \uFEFF19",         // a byte order mark (format character)
        "Support\u200E 19",         // a left-to-right mark
        "  support   19  ",         // case and runs of spaces
        "Support\u300019",         // an ideographic space
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public async Task A_look_alike_of_an_existing_name_is_taken(string lookAlike)
    {
        using var admin = host.Admin(DevHostFixture.NewAccount());
        await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Support 19"}""").Expect(HttpStatusCode.Created);

        await admin.Send(HttpMethod.Post, "api/inboxes", Json(new { name = lookAlike })).Problem(HttpStatusCode.Conflict);
        Assert.Single(await admin.InboxIds());
    }

    [Fact]
    public async Task A_name_that_differs_by_a_composed_accent_is_another_name()
    {
        using var admin = host.Admin(DevHostFixture.NewAccount());
        await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Cafe"}""").Expect(HttpStatusCode.Created);

        await admin.Send(HttpMethod.Post, "api/inboxes", Json(new { name = "Café" })).Expect(HttpStatusCode.Created);
        await admin.Send(HttpMethod.Post, "api/inboxes", Json(new { name = "Cafe\u0301" })).Problem(HttpStatusCode.Conflict); // é, composed
    }

    public static TheoryData<string> ControlCharacters => new() { "\u0000", "\u001B", "\u0007", "\u007F", "\u0085", "\n", "\u202E", "\u202A", "\u2066", "\u2069" };

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task A_control_character_in_a_name_is_a_400_naming_the_field(string control)
    {
        using var admin = host.Admin(DevHostFixture.NewAccount());
        var name = "Evil" + control + "name";

        Assert.Contains("name", await admin.Send(HttpMethod.Post, "api/inboxes", Json(new { name })).Problem(HttpStatusCode.BadRequest));
        Assert.Contains("name", await admin.Send(HttpMethod.Put, "api/directory/users/eve", Json(new { name, email = "eve@example.com" })).Problem(HttpStatusCode.BadRequest));
        Assert.Contains("name", await admin.Send(HttpMethod.Put, "api/directory/teams/evil", Json(new { name, memberIds = Array.Empty<string>() })).Problem(HttpStatusCode.BadRequest));
        Assert.Empty(await admin.InboxIds());

        var inbox = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Channels"}""").Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var channels = $"api/inboxes/{inbox}/channels";
        Assert.Contains("pageName", await admin.Send(HttpMethod.Post, channels,
            Json(new { kind = "messenger", pageId = "5550001", pageName = name })).Problem(HttpStatusCode.BadRequest));
        Assert.Contains("fromName.companyName", await admin.Send(HttpMethod.Post, channels,
            Json(new { kind = "email", provider = "gmail", address = "evil@contoso.com", fromName = new { format = "companyOnly", companyName = name } }))
            .Problem(HttpStatusCode.BadRequest));
        Assert.Contains("header.name", await admin.Send(HttpMethod.Post, channels,
            Json(new { kind = "chat", welcomeMessage = "Hi", header = new { mode = "custom", name } })).Problem(HttpStatusCode.BadRequest));
        Assert.Contains("formId", await admin.Send(HttpMethod.Post, channels,
            Json(new { kind = "form", formId = "form" + control })).Problem(HttpStatusCode.BadRequest));

        var setup = (await (await admin.Send(HttpMethod.Post, "api/setup").Expect(HttpStatusCode.Accepted)).Body())["id"]!.GetValue<string>();
        Assert.Contains("name", await admin.Send(HttpMethod.Post, $"api/setup/{setup}/steps/name", Json(new { name })).Problem(HttpStatusCode.BadRequest));
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
