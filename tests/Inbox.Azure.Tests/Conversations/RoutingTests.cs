using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InboxServerless.Azure.Cosmos;
using InboxServerless.Azure.Notifications;
using InboxServerless.Azure.Secrets;
using InboxServerless.Azure.Tests.Email;
using InboxServerless.Azure.Tests.Messenger;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Application.Routing.Activities;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Local;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace InboxServerless.Azure.Tests.Conversations;

/// <summary>The routing orchestration on the Durable Task engine, in process, over the Cosmos emulator.</summary>
[Collection(CosmosCollection.Name)]
public sealed class RoutingTests(CosmosFixture cosmos) : IAsyncLifetime
{
    private const string Account = "acme";
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly CosmosContainers containers = cosmos.NewDatabase();
    private readonly FakeTimeProvider clock = new(T0);
    private readonly OutboxMailSender mail = new();
    private readonly FakeSlack slack = new();
    private readonly Mock<IMessengerApi> meta = MetaThatTakesEverything();
    private readonly InMemorySecretStore secrets = new();
    private DurableTaskTestHost host = null!;
    private InboxUseCases admin = null!;
    private CosmosConversationStore conversations = null!;

    private static readonly Caller AdminCaller = new(Account, "admin", new HashSet<Role> { Role.Member, Role.AccountAdmin });

    public async Task InitializeAsync()
    {
        host = await DurableTaskTestHost.StartAsync(DurableTasks.Register, new DurableTaskTestHostOptions
        {
            Port = LoopbackPorts.Free(),
            ConfigureServices = services =>
            {
                services.AddSingleton(containers).AddCosmosStoreAdapters();
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton<IMailSender>(mail);
                // The real notifier; only Slack's HTTP answers are faked.
                services.AddSingleton<ISlackNotifier>(new SlackWebhookNotifier(new HttpClient(slack)));
                services.AddSingleton<ChannelResolver>();
                services.AddSingleton(meta.Object);
                services.AddSingleton<ISecretStore>(secrets);
                services.AddSingleton(new MessengerRetryPolicy { Delay = (_, _) => Task.CompletedTask });
                services.AddSingleton<MessengerReplies>();
                services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CreateTicket>(sp, 3)); // 3 tickets per contact
                services.AddSingleton(sp => ActivatorUtilities.CreateInstance<InboxUseCases>(sp));
            },
        });
        admin = host.Services.GetRequiredService<InboxUseCases>();
        conversations = new CosmosConversationStore(containers);
        var directory = new CosmosDirectoryStore(containers);
        await directory.Save(new User("ann", Account, "Ann", "ann@acme.test", HasPaidSeat: true, IsSuperAdmin: false), default);
        await directory.Save(new User("bob", Account, "Bob", "bob@acme.test", HasPaidSeat: true, IsSuperAdmin: false), default);
        await directory.Save(new User("cy", Account, "Cy", "cy@acme.test", HasPaidSeat: false, IsSuperAdmin: false), default);
        await directory.Save(new Team("support", Account, "Support", ["ann", "bob", "cy"]), default);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        containers.Dispose();
    }

    /// <param name="prove">
    /// A page or an address routes only once proven: a page by its admin's token (Meta, faked, confirms it), a forwarding
    /// address by our verification message coming back.
    /// </param>
    private async Task<(string InboxId, string ChannelId)> Inbox(ChannelSettings channel, InboxNotificationSettings? notifications = null, bool prove = true)
    {
        var inbox = (await admin.Create(AdminCaller, new InboxSettings { Name = "Inbox " + Guid.NewGuid().ToString("N")[..6], Notifications = notifications ?? new() }, default)).Value!;
        var connected = await admin.ConnectChannel(AdminCaller, inbox.Value.Id, channel, default);
        Assert.True(connected.IsSuccess, connected.Problem?.Detail);
        if (prove && channel is MessengerChannel)
        {
            var proven = await new MessengerPageUseCases(new CosmosInboxStore(containers), admin, new MessengerPageConnector(meta.Object, secrets))
                .ConnectPage(AdminCaller, inbox.Value.Id, connected.Value!.Value.Id, new PageAuthorization("admin-user-token"), default);
            Assert.True(proven.IsSuccess, proven.Problem?.Detail);
        }

        if (prove && channel is EmailChannel) await ForwardingProof.Prove(admin, AdminCaller, inbox.Value.Id, connected.Value!.Value.Id, clock);

        return (inbox.Value.Id, connected.Value!.Value.Id);
    }

    private static EmailChannel Email(string address, Routing routing) => new()
    {
        Provider = EmailProvider.Forwarding,
        Address = address,
        FromName = new FromName { CompanyName = "Acme" },
        Routing = routing,
    };

    private static InboundEvent Mail(
        string to, string from, string messageId, DateTimeOffset sentAt, string? inReplyTo = null, string? graphConversationId = null) => new()
    {
        Channel = ChannelKind.Email,
        Type = InboundEventType.Message,
        BindingKey = new ChannelBindingKey(ChannelKind.Email, to).Value,
        ExternalId = messageId,
        Sender = new InboundSender(from, "Customer", from),
        Thread = new ThreadHints { InReplyTo = inReplyTo, ConversationId = graphConversationId },
        Content = new InboundContent { Subject = "Help", Text = $"text of {messageId}" },
        SentAt = sentAt,
        ReceivedAt = sentAt,
    };

    private static InboundEvent Messenger(string pageId, string psid, string mid, DateTimeOffset sentAt) => new()
    {
        Channel = ChannelKind.Messenger,
        Type = InboundEventType.Message,
        BindingKey = new ChannelBindingKey(ChannelKind.Messenger, pageId).Value,
        ExternalId = mid,
        Sender = new InboundSender(psid),
        Content = new InboundContent { Text = mid },
        SentAt = sentAt,
        ReceivedAt = sentAt,
    };

    private Task<RoutingResult> Route(InboundEvent e) => RoutingStarter.Route(host.Client, e, CancellationToken.None);

    private static readonly Routing TeamWithTickets = new()
    {
        Assignment = new Assignment { Mode = AssignmentMode.Specific, TeamIds = ["support"] },
        Tickets = new TicketDefaults { Pipeline = "support", Status = "new", Priority = TicketPriority.High },
    };

    [Fact]
    public async Task A_new_email_makes_a_contact_a_conversation_a_message_an_assignment_and_a_ticket()
    {
        var (inboxId, channelId) = await Inbox(Email("help@acme.test", TeamWithTickets));

        var result = await Route(Mail("help@acme.test", "jo@customer.test", "<m1@customer.test>", T0));

        Assert.Equal(RoutingStatus.Routed, result.Status);
        var conversation = (await conversations.Find(inboxId, result.ConversationId!, default))!.Value;
        Assert.Equal(channelId, conversation.ChannelId);
        Assert.Contains(conversation.AssigneeId, new[] { "ann", "bob" }); // cy has no paid seat
        Assert.Equal(result.TicketId, conversation.TicketId);
        var contact = await new CosmosContactStore(containers).Find(Account, conversation.ContactId!, default);
        Assert.Equal("jo@customer.test", contact!.Email);
        var ticket = await new CosmosTicketStore(containers).Find(Account, result.TicketId!, default);
        Assert.Equal(("support", "new", TicketPriority.High, contact.Id), (ticket!.Pipeline, ticket.Status, ticket.Priority, ticket.ContactId));
        Assert.Single(await conversations.Messages(inboxId, conversation.Id, default));
    }

    [Fact]
    public async Task The_same_event_three_times_is_one_message_one_conversation_one_ticket()
    {
        var (inboxId, _) = await Inbox(Email("dup@acme.test", TeamWithTickets));
        var e = Mail("dup@acme.test", "jo@customer.test", "<dup@customer.test>", T0);

        var results = new[] { await Route(e), await Route(e), await Route(e) };

        Assert.Single(results.Select(r => (r.ConversationId, r.TicketId, r.AssigneeId)).Distinct());
        Assert.Single(await conversations.Messages(inboxId, results[0].ConversationId!, default));
        Assert.Single((await conversations.List(inboxId, new ConversationFilter(), 10, null, default)).Items);
        Assert.Equal(1, await new CosmosTicketStore(containers).CountForContact(Account, (await conversations.Find(inboxId, results[0].ConversationId!, default))!.Value.ContactId!, default));
    }

    [Fact]
    public async Task Events_of_one_conversation_arriving_out_of_order_are_kept_in_the_order_they_were_sent()
    {
        var (inboxId, _) = await Inbox(new MessengerChannel { PageId = "555", PageName = "Acme" });
        var sent = Enumerable.Range(0, 10).Select(i => Messenger("555", "psid-1", $"mid.{i}", T0.AddSeconds(i))).ToList();

        var shuffled = sent.OrderBy(e => (e.ExternalId.GetHashCode() & 0xff) ^ 0x5a).ToList();
        Assert.NotEqual(sent.Select(e => e.ExternalId), shuffled.Select(e => e.ExternalId));
        RoutingResult? last = null;
        foreach (var e in shuffled) last = await Route(e);

        var conversation = (await conversations.Find(inboxId, last!.ConversationId!, default))!.Value;
        var messages = await conversations.Messages(inboxId, conversation.Id, default);
        Assert.Equal(sent.Select(e => e.ExternalId), messages.Select(m => m.ExternalId));
        Assert.Equal(T0.AddSeconds(9), conversation.LastMessageAt);
        Assert.Equal(T0.AddSeconds(9), conversation.LastIncomingAt);
    }

    [Fact]
    public async Task A_reply_joins_the_conversation_of_the_email_it_answers()
    {
        var (inboxId, _) = await Inbox(Email("thread@acme.test", new Routing()));
        var first = await Route(Mail("thread@acme.test", "jo@customer.test", "<a@customer.test>", T0));

        var reply = await Route(Mail("thread@acme.test", "jo@customer.test", "<b@customer.test>", T0.AddMinutes(5), inReplyTo: "<a@customer.test>"));
        var unrelated = await Route(Mail("thread@acme.test", "jo@customer.test", "<c@customer.test>", T0.AddMinutes(6)));

        Assert.Equal(first.ConversationId, reply.ConversationId);
        Assert.NotEqual(first.ConversationId, unrelated.ConversationId);
        Assert.Equal(2, (await conversations.Messages(inboxId, first.ConversationId!, default)).Count);
    }

    [Fact]
    public async Task An_office_365_reply_to_a_thread_that_began_as_forwarded_mail_joins_it_and_graphs_next_messages_follow()
    {
        var (inboxId, _) = await Inbox(Email("mixed@acme.test", new Routing()));
        var forwarded = await Route(Mail("mixed@acme.test", "jo@customer.test", "<a@customer.test>", T0));

        // Graph gives the reply a conversation id it never gave the forwarded message: the reply still answers it.
        var reply = await Route(Mail("mixed@acme.test", "jo@customer.test", "<b@customer.test>", T0.AddMinutes(5),
            inReplyTo: "<a@customer.test>", graphConversationId: "AAQkADmixed"));
        var next = await Route(Mail("mixed@acme.test", "jo@customer.test", "<c@customer.test>", T0.AddMinutes(9),
            inReplyTo: "<b@customer.test>", graphConversationId: "AAQkADmixed"));
        var newGraphThread = await Route(Mail("mixed@acme.test", "jo@customer.test", "<d@customer.test>", T0.AddMinutes(12),
            graphConversationId: "AAQkADother"));

        Assert.Equal(forwarded.ConversationId, reply.ConversationId);
        Assert.Equal(forwarded.ConversationId, next.ConversationId);
        Assert.NotEqual(forwarded.ConversationId, newGraphThread.ConversationId);
        Assert.Equal(3, (await conversations.Messages(inboxId, forwarded.ConversationId!, default)).Count);
    }

    [Fact]
    public async Task Unknown_senders_make_no_contact_when_the_channel_says_so()
    {
        var (inboxId, _) = await Inbox(Email("quiet@acme.test", new Routing { CreateContacts = false }));

        var result = await Route(Mail("quiet@acme.test", "stranger@else.test", "<s@else.test>", T0));

        var conversation = (await conversations.Find(inboxId, result.ConversationId!, default))!.Value;
        Assert.Null(conversation.ContactId);
        Assert.Null(await new CosmosContactStore(containers).Find(Account, ContactKey.Email("stranger@else.test").ContactId(Account), default));
    }

    [Fact]
    public async Task When_nobody_can_be_assigned_the_fallback_address_and_slack_hear_of_it_once()
    {
        var routing = new Routing { Assignment = new Assignment { Mode = AssignmentMode.ContactOwner } }; // new contacts have no owner
        var (inboxId, _) = await Inbox(Email("owners@acme.test", routing),
            new InboxNotificationSettings { FallbackEmail = "leads@acme.test", SlackWebhookUrl = "https://hooks.slack.com/services/T1/B1/X1" });

        var first = await Route(Mail("owners@acme.test", "jo@customer.test", "<o1@customer.test>", T0));
        await Route(Mail("owners@acme.test", "jo@customer.test", "<o1@customer.test>", T0)); // redelivered
        await Route(Mail("owners@acme.test", "jo@customer.test", "<o2@customer.test>", T0.AddMinutes(1), inReplyTo: "<o1@customer.test>"));

        Assert.Null(first.AssigneeId);
        Assert.Equal("leads@acme.test", Assert.Single(mail.Sent).To);
        Assert.Equal("https://hooks.slack.com/services/T1/B1/X1", Assert.Single(slack.Posts).Url);
        Assert.NotNull((await conversations.Find(inboxId, first.ConversationId!, default))!.Value.RoutingNote);
    }

    private static readonly Routing NobodyToAssign = new() { Assignment = new Assignment { Mode = AssignmentMode.ContactOwner } };

    private static InboxNotificationSettings EmailAndSlack => new() { FallbackEmail = "leads@acme.test", SlackWebhookUrl = "https://hooks.slack.com/services/T1/B1/X1" };

    [Fact]
    public async Task A_slack_notice_that_fails_for_a_while_is_retried_and_the_mail_is_not_sent_again()
    {
        var (inboxId, _) = await Inbox(Email("flaky@acme.test", NobodyToAssign), EmailAndSlack);
        slack.Answers.Enqueue(HttpStatusCode.ServiceUnavailable);
        slack.Answers.Enqueue(HttpStatusCode.InternalServerError);

        var result = await Route(Mail("flaky@acme.test", "jo@customer.test", "<f1@customer.test>", T0));

        Assert.Equal(3, slack.Posts.Count);
        Assert.Single(mail.Sent);
        var conversation = (await conversations.Find(inboxId, result.ConversationId!, default))!.Value;
        Assert.NotNull(conversation.SlackNotifiedAt);
        Assert.NotNull(conversation.FallbackEmailNotifiedAt);
        Assert.Null(conversation.SlackNoticeFailedAt);
    }

    [Fact]
    public async Task A_redelivered_event_sends_the_notice_its_failed_routing_did_not_send()
    {
        var (inboxId, _) = await Inbox(Email("down@acme.test", NobodyToAssign), EmailAndSlack);
        for (var i = 0; i < 5; i++) slack.Answers.Enqueue(HttpStatusCode.BadGateway); // every attempt of the activity
        var e = Mail("down@acme.test", "jo@customer.test", "<d1@customer.test>", T0);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Route(e)); // the queue delivers it again
        var redelivered = await Route(e);

        Assert.Equal(6, slack.Posts.Count);
        Assert.Single(mail.Sent);
        Assert.NotNull((await conversations.Find(inboxId, redelivered.ConversationId!, default))!.Value.SlackNotifiedAt);
        await Route(e);
        Assert.Equal(6, slack.Posts.Count);
    }

    [Fact]
    public async Task A_slack_notice_refused_for_good_is_recorded_routing_completes_and_a_redelivery_does_not_post_again()
    {
        var (inboxId, _) = await Inbox(Email("gone@acme.test", NobodyToAssign), EmailAndSlack);
        slack.Answers.Enqueue(HttpStatusCode.NotFound); // the webhook was removed in Slack

        var e = Mail("gone@acme.test", "jo@customer.test", "<g1@customer.test>", T0);
        var result = await Route(e);
        await Route(e);
        await Route(Mail("gone@acme.test", "jo@customer.test", "<g2@customer.test>", T0.AddMinutes(1), inReplyTo: "<g1@customer.test>"));

        Assert.Equal(RoutingStatus.Routed, result.Status);
        Assert.Single(slack.Posts);
        Assert.Single(mail.Sent);
        var conversation = (await conversations.Find(inboxId, result.ConversationId!, default))!.Value;
        Assert.NotNull(conversation.SlackNoticeFailedAt);
        Assert.Null(conversation.SlackNotifiedAt);
        Assert.Contains("404", conversation.RoutingNote);
    }

    [Fact]
    public async Task The_slack_webhook_lives_in_the_secret_store_kept_when_omitted_removed_by_empty_and_deleted_with_the_inbox()
    {
        const string url = "https://hooks.slack.com/services/T9/B9/X9";
        var created = (await admin.Create(AdminCaller, new InboxSettings { Name = "Secrets", Notifications = new() { SlackWebhookUrl = url } }, default)).Value!;
        var name = SecretNames.SlackWebhook(created.Value.Id);
        Assert.Equal(url, await secrets.Get(name, default));

        var kept = (await admin.Update(AdminCaller, created.Value.Id, new InboxSettings { Name = "Secrets" }, created.ETag, default)).Value!;
        Assert.Equal(url, await secrets.Get(name, default));
        Assert.True(kept.Value.Notifications.Slack.Configured);

        var removed = (await admin.Update(AdminCaller, created.Value.Id, new InboxSettings { Name = "Secrets", Notifications = new() { SlackWebhookUrl = "" } }, kept.ETag, default)).Value!;
        Assert.Null(await secrets.Get(name, default));
        Assert.False(removed.Value.Notifications.Slack.Configured);

        var stale = await admin.Update(AdminCaller, created.Value.Id, new InboxSettings { Name = "Secrets", Notifications = new() { SlackWebhookUrl = url } }, kept.ETag, default);
        Assert.Equal(ProblemKind.PreconditionFailed, stale.Problem?.Kind);
        Assert.Null(await secrets.Get(name, default)); // a refused update does not replace the secret

        await admin.Update(AdminCaller, created.Value.Id, new InboxSettings { Name = "Secrets", Notifications = new() { SlackWebhookUrl = url } }, removed.ETag, default);
        Assert.Equal(url, await secrets.Get(name, default));
        Assert.True((await admin.Delete(AdminCaller, created.Value.Id, null, default)).IsSuccess);
        Assert.Null(await secrets.Get(name, default));
    }

    [Fact]
    public async Task A_contact_at_its_ticket_limit_keeps_its_conversation_with_the_reason()
    {
        var (inboxId, _) = await Inbox(Email("limits@acme.test", TeamWithTickets));
        for (var i = 0; i < 3; i++) Assert.NotNull((await Route(Mail("limits@acme.test", "jo@customer.test", $"<l{i}@customer.test>", T0.AddMinutes(i)))).TicketId);

        var fourth = await Route(Mail("limits@acme.test", "jo@customer.test", "<l3@customer.test>", T0.AddMinutes(3)));

        Assert.Null(fourth.TicketId);
        Assert.Contains("limit of 3", (await conversations.Find(inboxId, fourth.ConversationId!, default))!.Value.RoutingNote);
    }

    [Fact]
    public async Task Assignment_spreads_new_conversations_and_a_conversation_keeps_its_owner()
    {
        await Inbox(Email("spread@acme.test", new Routing { Assignment = new Assignment { Mode = AssignmentMode.Specific, UserIds = ["ann", "bob"] } }));

        var owners = new List<string?>();
        for (var i = 0; i < 4; i++) owners.Add((await Route(Mail("spread@acme.test", $"c{i}@customer.test", $"<s{i}@customer.test>", T0.AddMinutes(i)))).AssigneeId);
        var followUp = await Route(Mail("spread@acme.test", "c0@customer.test", "<s0b@customer.test>", T0.AddMinutes(9), inReplyTo: "<s0@customer.test>"));

        Assert.Equal(2, owners.Count(o => o == "ann"));
        Assert.Equal(2, owners.Count(o => o == "bob"));
        Assert.Equal(owners[0], followUp.AssigneeId);
    }

    [Fact]
    public async Task The_request_counter_sees_creates_and_queries_too()
    {
        var (inboxId, _) = await Inbox(Email("count@acme.test", new Routing()));
        containers.Counter.Reset();

        await conversations.List(inboxId, new ConversationFilter(), 10, null, default);
        await conversations.AddMessage(new Message("probe", inboxId, "c", "x", MessageDirection.Incoming, null, "t", null, [], T0), default);

        var requests = containers.Counter.Requests;
        Assert.Contains(requests, r => r.IsQuery && r.NamesPartition);
        Assert.Contains(requests, r => r is { Method: "POST", IsQuery: false });
    }

    [Fact]
    public async Task An_event_for_a_page_not_proven_is_dropped_like_one_nobody_holds()
    {
        var (inboxId, _) = await Inbox(new MessengerChannel { PageId = "424242", PageName = "Not ours" }, prove: false);

        var result = await Route(Messenger("424242", "psid", "mid.pending", T0));

        Assert.Equal(RoutingStatus.Dropped, result.Status);
        Assert.Empty((await conversations.List(inboxId, new ConversationFilter(), 10, null, default)).Items);
    }

    [Fact]
    public async Task An_event_for_a_channel_nobody_holds_is_dropped()
    {
        var result = await Route(Messenger("999000", "psid", "mid.x", T0));

        Assert.Equal(RoutingStatus.Dropped, result.Status);
    }

    [Fact]
    public async Task The_hot_path_with_the_inbox_cached_costs_at_most_four_point_requests()
    {
        await Inbox(new MessengerChannel { PageId = "777", PageName = "Acme", Routing = TeamWithTickets });
        await Route(Messenger("777", "psid-hot", "mid.hot.1", T0)); // creates contact, conversation, ticket; warms the cache

        containers.Counter.Reset();
        await Route(Messenger("777", "psid-hot", "mid.hot.2", T0.AddSeconds(5)));

        var requests = containers.Counter.Requests;
        // Read the conversation, create the message, replace the conversation.
        Assert.Equal(["GET", "POST", "PUT"], requests.Select(r => r.Method));
        Assert.InRange(requests.Count, 1, 4);
        Assert.All(requests, r => Assert.False(r.IsQuery, $"{r.Method} {r.Resource} is a query"));
        Assert.All(requests, r => Assert.True(r.NamesPartition, $"{r.Method} {r.Resource} names no partition"));
    }

    [Fact]
    public async Task A_new_messenger_conversation_gets_the_instant_reply_and_the_consent_question_once_and_the_answer_is_kept()
    {
        var page = new MessengerChannel
        {
            PageId = "8080", PageName = "Acme",
            InstantReply = new InstantReply { Enabled = true, Text = "Thanks! We reply within the hour." },
            Consent = new MessengerConsent { Mode = ConsentMode.Explicit, Text = "May we keep this conversation? Reply yes or no." },
        };
        var (inboxId, _) = await Inbox(page);

        var first = await Route(Messenger("8080", "psid-g", "mid.g.1", T0));
        await Route(Messenger("8080", "psid-g", "mid.g.1", T0)); // redelivered: no second greeting
        await Route(Messenger("8080", "psid-g", "mid.g.2", T0.AddSeconds(5)) with { Content = new InboundContent { Text = " Yes " } });

        Assert.Equal(["Thanks! We reply within the hour.", "May we keep this conversation? Reply yes or no."], SentTexts);
        // The question comes with buttons whose payloads are the answers routing reads.
        Assert.Equal(["", "Yes=CONSENT_YES,No=CONSENT_NO"], SentQuickReplies);
        Assert.NotNull((await conversations.Find(inboxId, first.ConversationId!, default))!.Value.GreetedAt);
        var messages = await conversations.Messages(inboxId, first.ConversationId!, default);
        Assert.Equal(2, messages.Count(m => m.Direction == MessageDirection.Outgoing));
        var contact = await new CosmosContactStore(containers).Find(Account, ContactKey.Messenger("8080", "psid-g").ContactId(Account), default);
        Assert.Equal(ConsentStatus.Given, contact!.Consent);
    }

    [Fact]
    public async Task A_greeting_that_cannot_be_sent_is_noted_and_routing_goes_on()
    {
        var (inboxId, channelId) = await Inbox(new MessengerChannel
        {
            PageId = "8181", PageName = "Acme", InstantReply = new InstantReply { Enabled = true, Text = "Hi!" },
        });
        await secrets.Delete(SecretNames.MessengerPageToken(Account, channelId), default); // its token is gone (deleted in Key Vault by hand)

        var result = await Route(Messenger("8181", "psid-n", "mid.n.1", T0));

        Assert.Equal(RoutingStatus.Routed, result.Status);
        Assert.Contains("PageNotConnected", (await conversations.Find(inboxId, result.ConversationId!, default))!.Value.RoutingNote);
        Assert.Empty(SentTexts);
    }

    [Fact]
    public async Task With_implicit_consent_its_text_follows_the_instant_reply_and_nothing_is_asked()
    {
        var (_, _) = await Inbox(new MessengerChannel
        {
            PageId = "8383", PageName = "Acme",
            InstantReply = new InstantReply { Enabled = true, Text = "Thanks! We reply within the hour." },
            Consent = new MessengerConsent { Mode = ConsentMode.Implicit, Text = "By messaging us you agree that we keep this conversation." },
        });

        await Route(Messenger("8383", "psid-i", "mid.i.1", T0));

        Assert.Equal(["Thanks! We reply within the hour.", "By messaging us you agree that we keep this conversation."], SentTexts);
        Assert.Equal(["", ""], SentQuickReplies);
        var contact = await new CosmosContactStore(containers).Find(Account, ContactKey.Messenger("8383", "psid-i").ContactId(Account), default);
        Assert.Null(contact!.Consent);
    }

    [Fact]
    public async Task A_greeting_meta_refuses_is_tried_once_noted_once_and_not_counted_as_sent()
    {
        var (inboxId, _) = await Inbox(new MessengerChannel
        {
            PageId = "8282", PageName = "Acme",
            InstantReply = new InstantReply { Enabled = true, Text = "Hi!" },
            Consent = new MessengerConsent { Mode = ConsentMode.Explicit, Text = "May we keep this conversation?" },
        });
        meta.OnSend().ReturnsAsync(new SendResult.Failed(new MessengerError(MessengerErrorKind.UserUnavailable, "This person isn't available right now.", 400, 551, 1545041)));

        var first = await Route(Messenger("8282", "psid-u", "mid.u.1", T0));
        await Route(Messenger("8282", "psid-u", "mid.u.1", T0)); // redelivered
        await Route(Messenger("8282", "psid-u", "mid.u.2", T0.AddSeconds(5)));

        Assert.Equal(RoutingStatus.Routed, first.Status);
        Assert.Equal(["Hi!"], SentTexts); // the consent question is not tried after the instant reply failed, nor anything again
        var conversation = (await conversations.Find(inboxId, first.ConversationId!, default))!.Value;
        Assert.Null(conversation.GreetedAt);
        Assert.NotNull(conversation.GreetingFailedAt);
        Assert.Equal(1, CountOf("UserUnavailable", conversation.RoutingNote!));
        Assert.DoesNotContain(await conversations.Messages(inboxId, first.ConversationId!, default), m => m.Direction == MessageDirection.Outgoing);
        var contact = await new CosmosContactStore(containers).Find(Account, ContactKey.Messenger("8282", "psid-u").ContactId(Account), default);
        Assert.Null(contact!.Consent); // never asked
    }

    private static int CountOf(string what, string text) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    /// <summary>
    /// Meta at its port: every send is taken; every admin's token is confirmed for every page (the proof itself is tested
    /// with the Graph adapter); anything else is a call these tests do not expect.
    /// </summary>
    private static Mock<IMessengerApi> MetaThatTakesEverything()
    {
        var meta = new Mock<IMessengerApi>(MockBehavior.Strict);
        meta.OnSend().ReturnsAsync((string _, string _, string psid, MessengerText _, MessengerSendMode _, IReadOnlyList<MessengerQuickReply>? _, CancellationToken _) =>
            new SendResult.Sent($"m_out_{Guid.NewGuid():N}", psid));
        meta.Setup(m => m.ExchangeUserToken(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(new UserToken("long-lived", TimeSpan.FromDays(60)));
        meta.Setup(m => m.GetPage(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string pageId, string _, CancellationToken _) => new PageInfo(pageId, "Acme", "page-token"));
        meta.Setup(m => m.SubscribeApp(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        meta.Setup(m => m.SetGreeting(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        return meta;
    }

    private IReadOnlyList<string> SentTexts => [.. meta.Sends().Select(s => s.Text)];

    /// <summary>Each send's quick replies as <c>title=payload,…</c>; empty for none.</summary>
    private IReadOnlyList<string> SentQuickReplies => [.. meta.Sends().Select(s => string.Join(",", (s.QuickReplies ?? []).Select(q => $"{q.Title}={q.Payload}")))];

    /// <summary>Slack's side of an incoming webhook: answers from a script (then 200), and what was posted.</summary>
    private sealed class FakeSlack : HttpMessageHandler
    {
        public ConcurrentQueue<(string Url, string Text)> Posts { get; } = new();
        public ConcurrentQueue<HttpStatusCode> Answers { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = await request.Content!.ReadFromJsonAsync<JsonElement>(ct);
            Posts.Enqueue((request.RequestUri!.ToString(), body.GetProperty("text").GetString()!));
            var status = Answers.TryDequeue(out var scripted) ? scripted : HttpStatusCode.OK;
            return new HttpResponseMessage(status) { Content = new StringContent(status == HttpStatusCode.OK ? "ok" : "no_service") };
        }
    }
}
