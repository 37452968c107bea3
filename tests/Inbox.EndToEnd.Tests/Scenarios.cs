using System.Globalization;
using System.Net;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>What the end-to-end tests set up through the API, as an admin would: Contoso's people and a proven page.</summary>
internal static class Scenarios
{
    /// <summary>Contoso's people: Alice and Bob have paid seats, Carol has none.</summary>
    private static readonly Dictionary<string, string> People = new()
    {
        ["alice"] = """{"name":"Alice Martin","email":"alice@contoso.com","hasPaidSeat":true}""",
        ["bob"] = """{"name":"Bob Stone","email":"bob@contoso.com","hasPaidSeat":true}""",
        ["carol"] = """{"name":"Carol Vance","email":"carol@contoso.com"}""",
    };

    public static async Task AddPeople(this HttpClient admin, params string[] userIds)
    {
        foreach (var userId in userIds)
            await admin.Send(HttpMethod.Put, $"api/directory/users/{userId}", People[userId]).Expect(HttpStatusCode.OK);
    }

    /// <summary>A page id no other test uses.</summary>
    public static string NewPageId() => Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// An inbox everyone belongs to, with a Messenger page of its own routed as <paramref name="routing"/> (JSON) and
    /// proven, so that it routes: its admin's token, confirmed by Meta's stand-in.
    /// </summary>
    public static async Task<(string PageId, string InboxId)> AddPageInbox(this HttpClient admin, string inboxName, string routing)
    {
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", $$$"""{"name":"{{{inboxName}}}","members":{"everyone":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var pageId = NewPageId();
        var channelId = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
                $$$"""{"kind":"messenger","pageId":"{{{pageId}}}","pageName":"Contoso Bikes","routing":{{{routing}}}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        await admin.ProvePage(inboxId, channelId).Expect(HttpStatusCode.OK);
        return (pageId, inboxId);
    }
}
