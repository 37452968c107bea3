using System.Net;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using InboxServerless.DevHost.Functions;
using InboxServerless.Functions.Http;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// Every HTTP endpoint of the function app, tried as each role and as another account's admin. The table below must
/// classify every endpoint the app serves: a new endpoint fails the test until someone decides who may call it.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class AuthorizationMatrixTests(DevHostFixture host)
{
    /// <summary>Who an endpoint is for.</summary>
    private enum Audience
    {
        /// <summary>Account admins (super admins included): setting inboxes and channels up.</summary>
        Admins,

        /// <summary>Whoever can see the inbox (its members, and admins); others are told it does not exist.</summary>
        InboxReaders,

        /// <summary>Members of the inbox only: working its conversations. A super admin who is not a member may not.</summary>
        InboxMembers,

        /// <summary>Any user of the account, on the account's own data.</summary>
        AccountUsers,

        /// <summary>Not behind the principal at all (webhooks check signatures; the API description is public).</summary>
        Public,
    }

    private static readonly Dictionary<string, Audience> Table = new()
    {
        ["CreateInbox"] = Audience.Admins, ["UpdateInbox"] = Audience.Admins, ["DeleteInbox"] = Audience.Admins,
        ["ConnectChannel"] = Audience.Admins, ["UpdateChannel"] = Audience.Admins, ["DisconnectChannel"] = Audience.Admins,
        ["ConnectMessengerPage"] = Audience.Admins, ["ConnectOffice365Mailbox"] = Audience.Admins, ["SaveUser"] = Audience.Admins, ["SaveTeam"] = Audience.Admins,
        ["StartSetup"] = Audience.Admins, ["SubmitSetupStep"] = Audience.Admins, ["GetSetup"] = Audience.Admins, ["CancelSetup"] = Audience.Admins,
        ["AuthorizeSetupMessengerPage"] = Audience.Admins,
        ["AuthorizeGmailMailbox"] = Audience.Admins, ["CompleteGmailAuthorization"] = Audience.Admins,
        ["RotateForwardingInboundSecret"] = Audience.Admins, ["ResendForwardingVerification"] = Audience.Admins,
        ["GetInbox"] = Audience.InboxReaders, ["GetChannel"] = Audience.InboxReaders,
        ["ListConversations"] = Audience.InboxReaders, ["GetConversation"] = Audience.InboxReaders, ["GetTicket"] = Audience.InboxReaders,
        ["GetAttachment"] = Audience.InboxReaders,
        ["SetConversationAssignee"] = Audience.InboxMembers, ["CloseConversation"] = Audience.InboxMembers,
        ["ReopenConversation"] = Audience.InboxMembers, ["ReplyToConversation"] = Audience.InboxMembers,
        ["UploadAttachment"] = Audience.InboxMembers, ["PreviewEmailChannel"] = Audience.Admins,
        ["ListInboxes"] = Audience.AccountUsers, ["GetDirectory"] = Audience.AccountUsers,
        ["ListTickets"] = Audience.AccountUsers,
        ["VerifyMessengerWebhook"] = Audience.Public, ["ReceiveMessengerWebhook"] = Audience.Public, ["GetOpenApiDocument"] = Audience.Public,
        ["ReceiveGmailPush"] = Audience.Public,
        ["ReceiveGraphNotifications"] = Audience.Public, ["ReceiveGraphLifecycleNotifications"] = Audience.Public,
        ["VerifyMessengerWebhook"] = Audience.Public, ["ReceiveMessengerWebhook"] = Audience.Public,
        ["GetOpenApiDocument"] = Audience.Public,
        ["ReceiveForwardedEmail"] = Audience.Public, // the channel's inbound secret authenticates the provider
    };

    /// <summary>Endpoints whose route names no existing resource: another account's admin acts in its own account.</summary>
    private static readonly HashSet<string> OwnAccountOnly = ["CreateInbox", "StartSetup", "SaveUser", "SaveTeam", "ListInboxes", "GetDirectory", "ListTickets",
        "CompleteGmailAuthorization", // the consent's state, not the route, names the channel
        "PreviewEmailChannel"]; // saves nothing: the body's channel need not exist

    private static IEnumerable<FunctionDescriptor> HttpFunctions => FunctionCatalog.All.Where(f => f.Trigger == TriggerKind.Http);

    [Fact]
    public void Every_endpoint_is_classified()
    {
        var unclassified = HttpFunctions.Select(f => f.Name).Where(name => !Table.ContainsKey(name)).ToList();

        Assert.True(unclassified.Count == 0, $"Decide who may call: {string.Join(", ", unclassified)}");
    }

    [Fact]
    public async Task Each_endpoint_answers_each_role_as_its_audience_says()
    {
        var account = DevHostFixture.NewAccount();
        var world = await World.Create(host, account);
        using var stranger = host.Admin(DevHostFixture.NewAccount());
        using var member = host.As(account, "alice");
        using var outsider = host.As(account, "bob");
        using var superAdmin = host.As(account, "sam", ClientPrincipal.SuperAdminRole);
        var failures = new List<string>();

        foreach (var function in HttpFunctions.Where(f => Table.GetValueOrDefault(f.Name) != Audience.Public))
        {
            foreach (var method in function.Methods)
            {
                var path = world.Path(function.Route!);
                async Task<HttpStatusCode> Call(HttpClient client) =>
                    (await client.Send(new HttpMethod(method), path, BodyFor(function.Name), ifMatch: null)).StatusCode;
                void Expect(string who, HttpStatusCode actual, Func<HttpStatusCode, bool> ok, string expected)
                {
                    if (!ok(actual)) failures.Add($"{function.Name} {method} {path} as {who}: {(int)actual}, expected {expected}");
                }

                var audience = Table[function.Name];
                var strangerStatus = await Call(stranger);
                if (OwnAccountOnly.Contains(function.Name))
                    Expect("another account's admin", strangerStatus, s => (int)s < 500, "not a 5xx"); // acts in its own account
                else
                    Expect("another account's admin", strangerStatus, s => s is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, "404/403");

                switch (audience)
                {
                    case Audience.Admins:
                        Expect("a member", await Call(member), s => s == HttpStatusCode.Forbidden, "403");
                        break;
                    case Audience.InboxReaders:
                        Expect("a member", await Call(member), IsSuccess, "2xx");
                        Expect("a super admin", await Call(superAdmin), IsSuccess, "2xx");
                        Expect("a user outside the inbox", await Call(outsider), s => s == HttpStatusCode.NotFound, "404");
                        break;
                    case Audience.InboxMembers:
                        Expect("a super admin outside the inbox", await Call(superAdmin), s => s == HttpStatusCode.Forbidden, "403");
                        Expect("a user outside the inbox", await Call(outsider), s => s == HttpStatusCode.NotFound, "404");
                        Expect("a member", await Call(member), s => s != HttpStatusCode.Forbidden && s != HttpStatusCode.NotFound && (int)s < 500,
                            "allowed");
                        break;
                    case Audience.AccountUsers:
                        Expect("a member", await Call(member), IsSuccess, "2xx");
                        break;
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        await world.AssertUnchanged();
    }

    /// <summary>The tickets list shows only tickets of inboxes the caller can see: the restricted inbox's to alice and admins, not to bob.</summary>
    [Fact]
    public async Task Tickets_are_listed_where_the_caller_can_see_their_inbox()
    {
        var account = DevHostFixture.NewAccount();
        var world = await World.Create(host, account);
        using var admin = host.Admin(account);
        using var member = host.As(account, "alice");
        using var outsider = host.As(account, "bob");
        using var superAdmin = host.As(account, "sam", ClientPrincipal.SuperAdminRole);

        async Task<List<string>> TicketIds(HttpClient client) =>
            [.. (await (await client.GetAsync("api/tickets").Expect(HttpStatusCode.OK)).Body())["items"]!.AsArray()
                .Select(t => t!["id"]!.GetValue<string>())];

        Assert.Equal([world.Id("ticketId")], await TicketIds(member));
        Assert.Equal([world.Id("ticketId")], await TicketIds(admin));
        Assert.Equal([world.Id("ticketId")], await TicketIds(superAdmin));
        Assert.Empty(await TicketIds(outsider));
        var ticket = await (await member.GetAsync($"api/tickets/{world.Id("ticketId")}").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal(world.Id("inboxId"), ticket["inboxId"]!.GetValue<string>());
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    /// <summary>A valid body for each endpoint that reads one, so what answers is the access check, not validation.</summary>
    private static string? BodyFor(string function) => function switch
    {
        "CreateInbox" => """{"name":"Matrix new"}""",
        "UpdateInbox" => """{"name":"Matrix renamed"}""",
        "ConnectChannel" => """{"kind":"form","formId":"matrix-other"}""",
        "UpdateChannel" => """{"kind":"form","formId":"matrix-form"}""",
        "ConnectMessengerPage" or "AuthorizeSetupMessengerPage" => """{"userAccessToken":"EAAB"}""",
        "ConnectOffice365Mailbox" => """{"tenantId":"00000000-0000-4000-8000-00000000fa4e"}""",
        "SaveUser" => """{"name":"Zed","email":"zed@matrix.test"}""",
        "SaveTeam" => """{"name":"Team","memberIds":[]}""",
        "SubmitSetupStep" => """{"name":"Wizard inbox"}""",
        "SetConversationAssignee" => """{"assigneeId":"alice"}""",
        "ReplyToConversation" => """{"text":"Hello"}""",
        "PreviewEmailChannel" => """{"channel":{"kind":"email","provider":"office365","address":"preview@matrix.test"},"userId":"alice"}""",
        _ => null,
    };

    /// <summary>An account with an inbox only alice belongs to, a form channel, a routed conversation with a ticket, and a wizard.</summary>
    private sealed class World(DevHostFixture host, string account, Dictionary<string, string> ids, string inboxEtag)
    {
        public static async Task<World> Create(DevHostFixture host, string account)
        {
            using var admin = host.Admin(account);
            await admin.Send(HttpMethod.Put, "api/directory/users/alice", """{"name":"Alice","email":"alice@matrix.test","hasPaidSeat":true}""").Expect(HttpStatusCode.OK);
            await admin.Send(HttpMethod.Put, "api/directory/users/bob", """{"name":"Bob","email":"bob@matrix.test","hasPaidSeat":true}""").Expect(HttpStatusCode.OK);
            var inbox = await (await admin.Send(HttpMethod.Post, "api/inboxes",
                """{"name":"Restricted","members":{"everyone":false,"userIds":["alice"]}}""").Expect(HttpStatusCode.Created)).Body();
            var inboxId = inbox["id"]!.GetValue<string>();
            var formId = "matrix-form-" + Guid.NewGuid().ToString("N")[..8];
            var channel = await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
                "{\"kind\":\"form\",\"formId\":\"" + formId + "\",\"routing\":{\"tickets\":{\"pipeline\":\"support\",\"status\":\"new\"}}}").Expect(HttpStatusCode.Created)).Body();
            using (var developer = host.DevAdmin())
                await developer.Send(HttpMethod.Post, "admin/events", $$"""
                {"channel":"form","type":"message","bindingKey":"form:{{formId}}","externalId":"submission-1",
                 "sender":{"id":"visitor@customer.test","email":"visitor@customer.test"},
                 "sentAt":"2026-11-25T09:00:00Z","receivedAt":"2026-11-25T09:00:00Z"}
                """).Expect(HttpStatusCode.Accepted);
            await host.WhenIdle();
            var conversation = (await (await admin.GetAsync($"api/inboxes/{inboxId}/conversations").Expect(HttpStatusCode.OK)).Body())["items"]![0]!;
            var setup = await (await admin.Send(HttpMethod.Post, "api/setup").Expect(HttpStatusCode.Accepted)).Body();
            var etag = (await admin.GetAsync($"api/inboxes/{inboxId}").Expect(HttpStatusCode.OK)).ETag();
            var attachment = new AttachmentContent("matrix.txt", "text/plain", false, "matrix"u8.ToArray());
            var attachmentId = AttachmentRules.Id(attachment);
            await host.Services.GetRequiredService<IAttachmentStore>().Put(account, inboxId, attachmentId, attachment, default);
            return new World(host, account, new Dictionary<string, string>
            {
                ["inboxId"] = inboxId,
                ["channelId"] = channel["id"]!.GetValue<string>(),
                ["conversationId"] = conversation["id"]!.GetValue<string>(),
                ["ticketId"] = conversation["ticketId"]!.GetValue<string>(),
                ["id"] = setup["id"]!.GetValue<string>(),
                ["step"] = "name",
                ["userId"] = "carol",
                ["teamId"] = "matrix",
                ["attachmentId"] = attachmentId,
            }, etag);
        }

        public string Id(string name) => ids[name];

        public string Path(string route) =>
            ids.Aggregate(route, (path, id) => path.Replace("{" + id.Key + "}", id.Value, StringComparison.Ordinal));

        /// <summary>Nothing the refused calls tried reached the account: the inbox and the directory are as they were.</summary>
        public async Task AssertUnchanged()
        {
            using var admin = host.Admin(account);
            var read = await admin.GetAsync($"api/inboxes/{ids["inboxId"]}").Expect(HttpStatusCode.OK);
            Assert.Equal(inboxEtag, read.ETag());
            var directory = await (await admin.GetAsync("api/directory").Expect(HttpStatusCode.OK)).Body();
            Assert.Equal(["alice", "bob"], directory["users"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()).Order());
            Assert.Empty(directory["teams"]!.AsArray());
            Assert.Equal([ids["inboxId"]], await admin.InboxIds());
        }
    }
}
