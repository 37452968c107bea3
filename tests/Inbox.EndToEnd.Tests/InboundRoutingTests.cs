using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// Inbound events through the whole local pipeline, over HTTP: <c>POST /admin/events</c> → the in-process queue →
/// <c>ConsumeInboundEvent</c> (the function app's own method, given the Service Bus message the sender would write) →
/// the routing orchestration on the in-memory Durable Task engine → the Cosmos DB emulator. Set-up goes through the admin
/// API; results are read back through the dev host's own stores once the queue is idle.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class InboundRoutingTests(DevHostFixture host)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly string account = DevHostFixture.NewAccount();

    /// <summary>The dev host's /admin/* endpoints are for its development admin only.</summary>
    private readonly HttpClient developer = host.DevAdmin();

    private IConversationStore Conversations => host.Services.GetRequiredService<IConversationStore>();
    private IContactStore Contacts => host.Services.GetRequiredService<IContactStore>();
    private ITicketStore Tickets => host.Services.GetRequiredService<ITicketStore>();

    private string SupportAddress => $"support@{account}.contoso.com";

    /// <summary>Alice and Bob have paid seats, Carol has none; an inbox whose team e-mail assigns to them and makes tickets.</summary>
    private async Task<string> EmailInboxWithAssignmentAndTickets(HttpClient admin)
    {
        await admin.AddPeople("alice", "bob", "carol");
        await admin.Send(HttpMethod.Put, "api/directory/teams/support", """{"name":"Support","memberIds":["bob","carol"]}""")
            .Expect(HttpStatusCode.OK);

        var inbox = await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Support","members":{"everyone":true},"timeZone":"Europe/Paris"}""")
            .Expect(HttpStatusCode.Created)).Body();
        var inboxId = inbox["id"]!.GetValue<string>();
        // A forwarding address, proven (an address routes only once proven): events are put on the queue below as any
        // e-mail provider's reader would route them.
        await host.AddForwardingChannel(admin, inboxId, SupportAddress, """
            {"assignment":{"mode":"specific","userIds":["alice"],"teamIds":["support"]},
             "tickets":{"pipeline":"support","status":"new","priority":"high"},
             "createContacts":true}
            """);
        return inboxId;
    }

    private InboundEvent Email(string externalId, string from = "jane@customer.example", string? conversationId = "AAQkADthread1") => new()
    {
        Channel = ChannelKind.Email,
        Type = InboundEventType.Message,
        BindingKey = new ChannelBindingKey(ChannelKind.Email, SupportAddress).Value,
        ExternalId = externalId,
        Sender = new InboundSender(from, "Jane Doe", from),
        Thread = new ThreadHints { ConversationId = conversationId },
        Content = new InboundContent { Subject = "Order 42", Text = "Where is my order?" },
        SentAt = T0,
        ReceivedAt = T0.AddSeconds(2),
    };

    private static string Json(object value) => JsonSerializer.Serialize(value, InboxJson.Api);

    private async Task<JsonArray> Post(string json)
    {
        var accepted = await (await developer.Send(HttpMethod.Post, "admin/events", json).Expect(HttpStatusCode.Accepted)).Body();
        return accepted.AsArray();
    }

    private async Task<Conversation> OnlyConversation(string inboxId)
    {
        var page = await Conversations.List(inboxId, new ConversationFilter(), 100, null, CancellationToken.None);
        return Assert.Single(page.Items).Value;
    }

    [Fact]
    public async Task The_dev_hosts_outbox_shows_the_notices_of_conversations_nobody_could_take_newest_first()
    {
        using var admin = host.Admin(account);
        var leads = $"leads@{account}.contoso.com";
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes",
            $$$"""{"name":"Owners","members":{"everyone":true},"notifications":{"fallbackEmail":"{{{leads}}}"}}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        // Routed to the contact's owner: a new contact has none, so nobody takes the conversation.
        await host.AddForwardingChannel(admin, inboxId, SupportAddress, """{"assignment":{"mode":"contactOwner"}}""");

        await Post(Json(Email("outbox-1", "sam@customer.example", "thread-sam")));
        await host.WhenIdle();
        await Post(Json(Email("outbox-2", "kim@customer.example", "thread-kim")));
        await host.WhenIdle();

        var outbox = (await (await developer.GetAsync("admin/outbox").Expect(HttpStatusCode.OK)).Body()).AsArray();
        var ours = outbox.Where(m => m!["to"]!.GetValue<string>() == leads).ToList();
        Assert.Equal(2, ours.Count);
        Assert.All(ours, m => Assert.Equal("Unassigned conversation in Owners", m!["subject"]!.GetValue<string>()));
        Assert.Contains("kim@customer.example", ours[0]!["plainText"]!.GetValue<string>());
        Assert.Contains("sam@customer.example", ours[1]!["plainText"]!.GetValue<string>());

        // The dev host's admin endpoints are for its development admin only.
        await host.As(account, "alice").GetAsync("admin/outbox").Problem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task After_an_agent_unassigns_a_conversation_new_conversations_are_still_routed_and_assigned()
    {
        using var admin = host.Admin(account);
        var inboxId = await EmailInboxWithAssignmentAndTickets(admin);
        await Post(Json(Email("first", "one@customer.example", "thread-one")));
        await host.WhenIdle();
        var first = await OnlyConversation(inboxId);

        using var alice = host.As(account, "alice");
        await alice.Send(HttpMethod.Put, $"api/inboxes/{inboxId}/conversations/{first.Id}/assignee", """{"assigneeId":null}""")
            .Expect(HttpStatusCode.OK);
        await Post(Json(Email("second", "two@customer.example", "thread-two")));
        await host.WhenIdle();

        var page = await Conversations.List(inboxId, new ConversationFilter(), 100, null, CancellationToken.None);
        var second = Assert.Single(page.Items, c => c.Value.Id != first.Id).Value;
        Assert.Contains(second.AssigneeId, new[] { "alice", "bob" });
        Assert.NotNull(second.TicketId);
        Assert.DoesNotContain(host.Queue.DeadLetters, d => d.Event.BindingKey == $"email:{SupportAddress}");
    }

    [Fact]
    public async Task A_new_email_makes_a_contact_a_conversation_a_message_an_assignee_and_a_ticket()
    {
        using var admin = host.Admin(account);
        var inboxId = await EmailInboxWithAssignmentAndTickets(admin);

        // As a Graph notification would be normalised, written by hand the way a developer would post it.
        var accepted = await Post($$"""
            {"version":1,"channel":"email","type":"message","bindingKey":"email:{{SupportAddress}}",
             "externalId":"AAMkAGI2-msg-1","sender":{"id":"jane@customer.example","name":"Jane Doe","email":"Jane@Customer.example"},
             "thread":{"conversationId":"AAQkADthread1"},
             "content":{"subject":"Order 42","text":"Where is my order?","html":"<p>Where is my order?</p>"},
             "sentAt":"2026-11-25T09:00:00Z","receivedAt":"2026-11-25T09:00:02Z"}
            """);
        Assert.Single(accepted);
        await host.WhenIdle();

        var conversation = await OnlyConversation(inboxId);
        Assert.Equal(account, conversation.AccountId);
        Assert.Equal(ChannelKind.Email, conversation.ChannelKind);
        Assert.Equal("Order 42", conversation.Subject);
        Assert.Equal(ConversationStatus.Open, conversation.Status);
        Assert.Equal(T0, conversation.LastMessageAt);

        var contact = await Contacts.Find(account, conversation.ContactId!, CancellationToken.None);
        Assert.NotNull(contact);
        Assert.Equal("Jane@Customer.example", contact.Email);
        Assert.Equal("Jane Doe", contact.Name);
        Assert.Contains("email:jane@customer.example", contact.Keys);

        var message = Assert.Single(await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None));
        Assert.Equal("AAMkAGI2-msg-1", message.ExternalId);
        Assert.Equal(MessageDirection.Incoming, message.Direction);
        Assert.Equal("Where is my order?", message.Text);
        Assert.Equal(T0, message.SentAt);

        // Specific assignment: Alice, or a member of the team with a paid seat (Bob); never Carol, who has none. With no
        // load yet, the first in order.
        Assert.Equal("alice", conversation.AssigneeId);

        var ticket = await Tickets.Find(account, conversation.TicketId!, CancellationToken.None);
        Assert.NotNull(ticket);
        Assert.Equal(conversation.Id, ticket.ConversationId);
        Assert.Equal(contact.Id, ticket.ContactId);
        Assert.Equal(("support", "new", TicketPriority.High), (ticket.Pipeline, ticket.Status, ticket.Priority));
        Assert.Null(conversation.RoutingNote);
        Assert.DoesNotContain(await DeadLetters(developer), d => d["messageId"]!.GetValue<string>() == accepted[0]!["messageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_same_event_posted_three_times_is_one_message_one_conversation_and_one_ticket()
    {
        using var admin = host.Admin(account);
        var inboxId = await EmailInboxWithAssignmentAndTickets(admin);
        var first = Email("AAMkAGI2-dup");

        // A webhook retried: the same message each time, received again later. The fixture's queue drops no duplicate,
        // so all three copies reach the consumer and routing.
        foreach (var receivedAt in new[] { T0.AddSeconds(2), T0.AddMinutes(1), T0.AddMinutes(5) })
            Assert.Equal(first.MessageId, (await Post(Json(first with { ReceivedAt = receivedAt })))[0]!["messageId"]!.GetValue<string>());
        await host.WhenIdle();

        Assert.Equal(3, host.Deliveries.Of(first.MessageId));
        var conversation = await OnlyConversation(inboxId);
        Assert.Single(await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None));
        var tickets = await Tickets.List(account, null, 100, null, CancellationToken.None);
        Assert.Equal(conversation.TicketId, Assert.Single(tickets.Items).Id);
        Assert.Equal("alice", conversation.AssigneeId);
    }

    [Fact]
    public async Task Events_of_one_conversation_in_any_order_read_back_in_the_order_they_were_sent()
    {
        using var admin = host.Admin(account);
        var pageId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var inboxId = (await (await admin.Send(HttpMethod.Post, "api/inboxes", """{"name":"Social"}""").Expect(HttpStatusCode.Created)).Body())["id"]!
            .GetValue<string>();
        var channelId = (await (await admin.Send(HttpMethod.Post, $"api/inboxes/{inboxId}/channels", $$"""{"kind":"messenger","pageId":"{{pageId}}","pageName":"Contoso"}""")
            .Expect(HttpStatusCode.Created)).Body())["id"]!.GetValue<string>();
        await admin.ProvePage(inboxId, channelId).Expect(HttpStatusCode.OK); // a page routes once proven

        var sent = Enumerable.Range(0, 10).Select(i => new InboundEvent
        {
            Channel = ChannelKind.Messenger,
            Type = InboundEventType.Message,
            BindingKey = new ChannelBindingKey(ChannelKind.Messenger, pageId).Value,
            ExternalId = $"m_{account}_{i}",
            Sender = new InboundSender("psid-7001"),
            Content = new InboundContent { Text = $"message {i}" },
            SentAt = T0.AddSeconds(17 * i),
            ReceivedAt = T0.AddMinutes(5),
        }).ToList();
        var shuffled = sent.OrderBy(_ => Random.Shared.Next()).ToList();
        if (shuffled.SequenceEqual(sent)) shuffled.Reverse();

        var accepted = await Post(Json(shuffled));
        Assert.Equal(10, accepted.Count);
        Assert.Single(accepted.Select(a => a!["sessionId"]!.GetValue<string>()).Distinct());
        await host.WhenIdle();

        var conversation = await OnlyConversation(inboxId);
        var messages = await Conversations.Messages(inboxId, conversation.Id, CancellationToken.None);
        Assert.Equal(sent.Select(e => e.ExternalId), messages.Select(m => m.ExternalId));
        Assert.Equal(sent.Select(e => e.Content.Text), messages.Select(m => m.Text));
        Assert.Equal(sent[^1].SentAt, conversation.LastMessageAt);
        Assert.Equal(sent[^1].SentAt, conversation.LastIncomingAt);
        Assert.NotNull(await Contacts.Find(account, conversation.ContactId!, CancellationToken.None));
        Assert.Null(conversation.AssigneeId);
        Assert.Null(conversation.TicketId);
    }

    [Fact]
    public async Task An_event_that_keeps_failing_is_dead_lettered_and_a_replay_after_the_fix_routes_it()
    {
        using var admin = host.Admin(account);
        var inboxId = await EmailInboxWithAssignmentAndTickets(admin);
        var inbound = Email("AAMkAGI2-poison");

        host.Faults.TicketStoreDown(account);
        try
        {
            await Post(Json(inbound));
            await host.WhenIdle();
        }
        finally
        {
            host.Faults.TicketStoreUp(account);
        }

        // Every delivery failed (the orchestration's ticket step, after its own retries): dead-lettered after the last.
        Assert.Equal(DevHostFixture.MaxDeliveryCount, host.Deliveries.Of(inbound.MessageId));
        var deadLetter = Assert.Single(await DeadLetters(developer), d => d["messageId"]!.GetValue<string>() == inbound.MessageId);
        Assert.Equal(DevHostFixture.MaxDeliveryCount, deadLetter["deliveryCount"]!.GetValue<int>());
        Assert.Contains(FaultyTicketStore.Failure, deadLetter["reason"]!.GetValue<string>());
        Assert.True(deadLetter["deadLetteredAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(inbound.MessageId, JsonSerializer.Deserialize<InboundEvent>(deadLetter["event"]!.ToJsonString(), InboxJson.Api)!.MessageId);

        // The steps before the failure were done, once; the ticket was not.
        var before = await OnlyConversation(inboxId);
        Assert.Null(before.TicketId);
        Assert.Equal("alice", before.AssigneeId);
        Assert.Single(await Conversations.Messages(inboxId, before.Id, CancellationToken.None));

        // Fixed: replay it. An unknown id is a 404 and replays nothing.
        await developer.Send(HttpMethod.Post, "admin/dead-letters/no-such-message/replay").Problem(HttpStatusCode.NotFound);
        var replayed = await (await developer.Send(HttpMethod.Post, $"admin/dead-letters/{inbound.MessageId}/replay").Expect(HttpStatusCode.Accepted)).Body();
        Assert.Equal(inbound.MessageId, replayed["messageId"]!.GetValue<string>());
        await host.WhenIdle();

        Assert.Equal(DevHostFixture.MaxDeliveryCount + 1, host.Deliveries.Of(inbound.MessageId));
        Assert.DoesNotContain(await DeadLetters(developer), d => d["messageId"]!.GetValue<string>() == inbound.MessageId);
        var after = await OnlyConversation(inboxId);
        Assert.Equal(before.Id, after.Id);
        Assert.Equal("alice", after.AssigneeId);
        var ticket = await Tickets.Find(account, after.TicketId!, CancellationToken.None);
        Assert.Equal(after.Id, ticket?.ConversationId);
        Assert.Single(await Conversations.Messages(inboxId, after.Id, CancellationToken.None));
        Assert.Single((await Tickets.List(account, null, 100, null, CancellationToken.None)).Items);
        await developer.Send(HttpMethod.Post, $"admin/dead-letters/{inbound.MessageId}/replay").Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_event_of_a_version_this_build_cannot_read_is_dead_lettered_at_once_and_again_when_replayed()
    {
        using var admin = host.Admin(account);
        var inboxId = await EmailInboxWithAssignmentAndTickets(admin);
        var newer = Email("AAMkAGI2-v99") with { Version = 99 };

        await Post(Json(newer));
        await host.WhenIdle();

        // The consumer's reader refuses it on every delivery; nothing is routed.
        var deadLetter = Assert.Single(await DeadLetters(developer), d => d["messageId"]!.GetValue<string>() == newer.MessageId);
        Assert.Equal(DevHostFixture.MaxDeliveryCount, deadLetter["deliveryCount"]!.GetValue<int>());
        Assert.Contains("version 99", deadLetter["reason"]!.GetValue<string>());
        Assert.Equal(99, deadLetter["event"]!["version"]!.GetValue<int>());
        Assert.Empty((await Conversations.List(inboxId, new ConversationFilter(), 10, null, CancellationToken.None)).Items);

        // Replaying everything puts it back with a fresh delivery count; it fails the same way and comes back.
        var replayed = await (await developer.Send(HttpMethod.Post, "admin/dead-letters/replay").Expect(HttpStatusCode.Accepted)).Body();
        Assert.True(replayed["replayed"]!.GetValue<int>() >= 1);
        await host.WhenIdle();
        Assert.Equal(2 * DevHostFixture.MaxDeliveryCount, host.Deliveries.Of(newer.MessageId));
        deadLetter = Assert.Single(await DeadLetters(developer), d => d["messageId"]!.GetValue<string>() == newer.MessageId);
        Assert.Equal(DevHostFixture.MaxDeliveryCount, deadLetter["deliveryCount"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"version":1,"channel":"email"}""", "")]                                  // required fields missing
    [InlineData("""{"channel":"fax","type":"message","bindingKey":"k","externalId":"x","sender":{"id":"s"},"sentAt":"2026-11-25T09:00:00Z","receivedAt":"2026-11-25T09:00:00Z"}""", "channel")]
    [InlineData("""[{"channel":"email","type":"message","bindingKey":"k","externalId":"x","sender":{"id":"s"},"sentAt":"2026-11-25T09:00:00Z","receivedAt":"2026-11-25T09:00:00Z","colour":"red"}]""", "[0].colour")]
    [InlineData("42", "$")]
    public async Task A_bad_event_is_a_400_and_queues_nothing(string body, string field)
    {
        using var admin = host.Admin(account);
        var fields = await developer.Send(HttpMethod.Post, "admin/events", body).Problem(HttpStatusCode.BadRequest);
        if (field.Length > 0) Assert.Contains(field, fields);
        await host.WhenIdle();
    }

    private static async Task<IReadOnlyList<JsonNode>> DeadLetters(HttpClient client) =>
        [.. (await (await client.GetAsync("admin/dead-letters").Expect(HttpStatusCode.OK)).Body()).AsArray().Select(d => d!)];
}
