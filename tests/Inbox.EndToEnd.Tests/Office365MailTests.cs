using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Local;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// Office 365 mail end to end on the dev host over HTTP, with Microsoft Graph faked at its HTTP boundary (the dev host's
/// <see cref="FakeGraph"/>): connecting the mailbox (Graph validates both webhook URLs against the host), Graph's
/// notifications to the host's webhook, the queue, the reader fetching each message from the fake, routing, Cosmos.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class Office365MailTests(DevHostFixture host)
{
    private readonly string account = DevHostFixture.NewAccount();
    private FakeGraph Graph => host.Services.GetRequiredService<FakeGraph>();
    private IConversationStore Conversations => host.Services.GetRequiredService<IConversationStore>();
    private string Address => $"support@{account}.contoso.com";

    /// <summary>An inbox with an Office 365 channel, connected through the API: the subscription's id.</summary>
    private async Task<(string InboxId, string SubscriptionId)> Connected()
    {
        using var admin = host.Admin(account);
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Support","members":{"everyone":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var channelId = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
            $$$"""{"kind":"email","provider":"office365","address":"{{{Address}}}","routing":{"createContacts":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        Graph.AddMailbox(Address);
        var connection = await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{channelId}/office365-connection",
            $$"""{"tenantId":"{{FakeGraph.TenantId}}"}""").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal(Address, connection["address"]!.GetValue<string>());
        return (inboxId, connection["subscriptionId"]!.GetValue<string>());
    }

    private async Task<IReadOnlyList<(Conversation Conversation, IReadOnlyList<string> Messages)>> Stored(string inboxId)
    {
        await host.WhenIdle();
        var page = await Conversations.List(inboxId, new ConversationFilter(), 100, null, CancellationToken.None);
        var stored = new List<(Conversation, IReadOnlyList<string>)>();
        foreach (var conversation in page.Items.Select(i => i.Value))
            stored.Add((conversation, [.. (await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None)).Select(m => m.ExternalId)]));
        return stored;
    }

    [Fact]
    public async Task A_Graph_notification_becomes_a_threaded_conversation_and_a_reply_in_the_Graph_conversation_joins_it()
    {
        var (inboxId, _) = await Connected();

        await Graph.Deliver(Address, new FakeMail("jane@customer.example", "Order 42", "Where is my order?",
            InternetMessageId: "<q1@customer.example>", ConversationId: "AAQkAD-order42"));
        var first = Assert.Single(await Stored(inboxId));
        Assert.Equal("Order 42", first.Conversation.Subject);
        Assert.Equal(ChannelKind.Email, first.Conversation.ChannelKind);
        Assert.Equal(["<q1@customer.example>"], first.Messages);

        await Graph.Deliver(Address, new FakeMail("jane@customer.example", "RE: Order 42", "Any news?",
            InternetMessageId: "<q2@customer.example>", ConversationId: "AAQkAD-order42", InReplyTo: "<q1@customer.example>"));
        var thread = Assert.Single(await Stored(inboxId));
        Assert.Equal(first.Conversation.Id, thread.Conversation.Id);
        Assert.Equal(["<q1@customer.example>", "<q2@customer.example>"], thread.Messages.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_missed_event_catches_up_every_message_of_the_gap_exactly_once_and_redeliveries_add_nothing()
    {
        var (inboxId, subscriptionId) = await Connected();
        var before = await Graph.Deliver(Address, new FakeMail("ann@customer.example", "Before", "…", InternetMessageId: "<before@customer.example>"));
        Assert.Single(await Stored(inboxId));

        Graph.Silenced = true;
        try
        {
            for (var i = 0; i < 5; i++)
                await Graph.Deliver(Address, new FakeMail($"gap{i}@customer.example", $"Gap {i}", "…", InternetMessageId: $"<gap{i}@customer.example>"));
        }
        finally
        {
            Graph.Silenced = false;
        }

        Assert.Single(await Stored(inboxId)); // nothing told us yet
        Assert.Equal(HttpStatusCode.Accepted, await Graph.Lifecycle(subscriptionId, "missed"));
        var caughtUp = await Stored(inboxId);
        Assert.Equal(6, caughtUp.Count);
        Assert.Equal(["<before@customer.example>", "<gap0@customer.example>", "<gap1@customer.example>", "<gap2@customer.example>",
                "<gap3@customer.example>", "<gap4@customer.example>"],
            caughtUp.SelectMany(c => c.Messages).Order(StringComparer.Ordinal));

        // Every webhook delivered again: the notification of the first message, and the lifecycle event.
        var subscription = Assert.Single(Graph.SubscriptionsOf(Address));
        Assert.Equal(HttpStatusCode.Accepted, await Graph.Notify(subscription, FakeGraph.Notification(subscription, before)));
        Assert.Equal(HttpStatusCode.Accepted, await Graph.Lifecycle(subscriptionId, "missed"));
        var again = await Stored(inboxId);
        Assert.Equal(6, again.Count);
        Assert.All(again, c => Assert.Single(c.Messages));
    }

    [Fact]
    public async Task The_dev_hosts_admin_endpoint_delivers_mail_through_the_fake_Graph()
    {
        var (inboxId, _) = await Connected();
        using var developer = host.DevAdmin();

        await developer.Send(HttpMethod.Post, $"admin/fake-graph/users/{Address}/messages",
            """{"from":"kim@customer.example","subject":"Hello","text":"Is anyone there?"}""").Expect(HttpStatusCode.Created);

        var stored = Assert.Single(await Stored(inboxId));
        Assert.Equal("Hello", stored.Conversation.Subject);
        await developer.Send(HttpMethod.Post, $"admin/fake-graph/users/{Address}/messages", """{"subject":"no sender"}""").Expect(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bad_input_to_the_Graph_webhooks_queues_nothing()
    {
        var (_, subscriptionId) = await Connected();
        var subscription = Assert.Single(Graph.SubscriptionsOf(Address));
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        var queued = host.Enqueued.Count;

        var wrongState = FakeGraph.Notification(subscription, "AAMkAG-x=");
        wrongState["clientState"] = "guessed";
        var unknown = FakeGraph.Notification(subscription, "AAMkAG-y=");
        unknown["subscriptionId"] = Guid.NewGuid().ToString();
        foreach (var item in new[] { wrongState, unknown })
        {
            using var response = await anonymous.PostAsync("api/webhooks/graph",
                new StringContent(new JsonObject { ["value"] = new JsonArray(item) }.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode); // acknowledged and dropped: not Graph's
        }

        using (var notJson = await anonymous.PostAsync("api/webhooks/graph/lifecycle", new StringContent("<xml/>", Encoding.UTF8, "application/xml")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
            Assert.Equal("application/problem+json", notJson.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(queued, host.Enqueued.Count);
        Assert.NotNull(subscriptionId);
    }

    [Fact]
    public async Task A_mailbox_the_tenant_did_not_grant_is_a_400_that_says_what_to_grant_and_stays_unconnected()
    {
        using var admin = host.Admin(account);
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Refused","members":{"everyone":true}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        var channelId = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels",
            $$"""{"kind":"email","provider":"office365","address":"{{Address}}"}""").Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        Graph.AddMailbox(Address);
        Graph.Refuse(Address, HttpStatusCode.Forbidden);

        var refused = admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels/{channelId}/office365-connection",
            $$"""{"tenantId":"{{FakeGraph.TenantId}}"}""");
        var problem = await (await refused.Expect(HttpStatusCode.BadRequest)).Body();

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal("tenantId", error["field"]!.GetValue<string>());
        Assert.Contains("Mail.Read and Mail.Send", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"https://login.microsoftonline.com/{FakeGraph.TenantId}/adminconsent", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(Graph.SubscriptionsOf(Address));
    }
}
