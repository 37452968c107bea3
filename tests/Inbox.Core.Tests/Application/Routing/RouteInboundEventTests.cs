using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;
using Microsoft.DurableTask;
using Moq;

namespace InboxServerless.Core.Tests.Application.Routing;

// The test folder's namespace is called Routing too.
using Routing = InboxServerless.Core.Domain.Routing;

/// <summary>
/// The routing orchestration's decisions, on a mocked <see cref="TaskOrchestrationContext"/>: which activities it calls,
/// in which order and with what. The activities are answered by name, as the engine finds them; what they do is tested
/// against the database (Inbox.Azure.Tests).
/// </summary>
public sealed class RouteInboundEventTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static readonly RouteTarget Target = new("acct-1", "inbox-1", "Support", "channel-1", ChannelKind.Messenger, "page-1",
        new Routing { Assignment = new Assignment { Mode = AssignmentMode.Specific, UserIds = ["alice"] } }, new InboxNotifications());

    private static readonly RouteTarget Greeting = Target with { Greeting = new MessengerGreeting("Hi!", "May we keep your data?") };

    private readonly Mock<TaskOrchestrationContext> context = new(MockBehavior.Strict);

    private static InboundEvent Event(InboundEventType type = InboundEventType.Message, string text = "hello", string externalId = "m_1") => new()
    {
        Channel = ChannelKind.Messenger,
        Type = type,
        BindingKey = "messenger:page-1",
        ExternalId = externalId,
        Sender = new InboundSender("PSID-1", "Ana"),
        Content = new InboundContent { Text = text },
        SentAt = T0,
        ReceivedAt = T0,
    };

    private static Conversation Conversation(string? assigneeId = null, string? ticketId = null, string? openedBy = "m_0") => new()
    {
        Id = "conv-1",
        AccountId = "acct-1",
        InboxId = "inbox-1",
        ChannelId = "channel-1",
        ChannelKind = ChannelKind.Messenger,
        ThreadKey = "PSID-1",
        ContactId = "contact-1",
        SenderId = "PSID-1",
        AssigneeId = assigneeId,
        TicketId = ticketId,
        OpenedBy = openedBy,
        CreatedAt = T0,
        LastMessageAt = T0,
    };

    private void Answer<T>(string activity, T result) =>
        context.Setup(c => c.CallActivityAsync<T>(activity, It.IsAny<object?>(), It.IsAny<TaskOptions?>())).ReturnsAsync(result);

    /// <summary>Answers every activity of a routing that reaches the end: the target, the thread, the appended message.</summary>
    private void Route(RouteTarget target, Conversation? existing, Appended appended)
    {
        Answer<RouteTarget?>("ResolveChannel", target);
        Answer("FindConversation", new FoundThread("conv-1", "PSID-1", existing, existing is null ? null : "\"etag\""));
        Answer<string?>("FindOrCreateContact", "contact-new");
        Answer("AppendMessage", appended);
        Answer<string?>("AssignConversation", "alice");
        Answer("CreateTicket", new TicketOutcome("ticket-1", null));
        Answer("NotifyUnassigned", true);
        Answer("GreetNewConversation", true);
        Answer("RecordConsent", true);
    }

    private Task<RoutingResult> Run(InboundEvent inbound) => new RouteInboundEvent().RunAsync(context.Object, inbound);

    private IEnumerable<string> Called => context.Invocations.Select(ActivityOf);

    private static string ActivityOf(IInvocation call) => ((TaskName)call.Arguments[0]!).Name;

    private T InputOf<T>(string activity) =>
        Assert.IsType<T>(Assert.Single(context.Invocations, call => ActivityOf(call) == activity).Arguments[1]);

    [Fact]
    public async Task An_event_on_a_channel_no_inbox_has_is_dropped_after_the_lookup()
    {
        Answer<RouteTarget?>("ResolveChannel", null);

        var result = await Run(Event());

        Assert.Equal(RoutingStatus.Dropped, result.Status);
        Assert.Equal("No inbox has the channel 'messenger:page-1'.", result.Note);
        Assert.Equal(["ResolveChannel"], Called);
        Assert.Equal("messenger:page-1", InputOf<string>("ResolveChannel"));
    }

    [Theory]
    [InlineData(InboundEventType.Read)]
    [InlineData(InboundEventType.Delivery)]
    public async Task A_receipt_for_a_conversation_we_do_not_hold_is_dropped_before_any_write(InboundEventType receipt)
    {
        Route(Target, existing: null, new Appended(Conversation(), true, true));

        var result = await Run(Event(receipt));

        Assert.Equal(RoutingStatus.Dropped, result.Status);
        Assert.Equal("A receipt for a conversation we do not hold.", result.Note);
        Assert.Equal(["ResolveChannel", "FindConversation"], Called);
    }

    [Fact]
    public async Task A_new_conversation_finds_its_contact_appends_assigns_and_makes_a_ticket_in_that_order()
    {
        var tickets = Target with { Routing = Target.Routing with { Tickets = new TicketDefaults { Pipeline = "support", Status = "new" } } };
        Route(tickets, existing: null, new Appended(Conversation(openedBy: "m_1"), IsNewConversation: true, IsNewMessage: true));

        var result = await Run(Event());

        Assert.Equal(new RoutingResult(RoutingStatus.Routed, "conv-1", "alice", "ticket-1"), result);
        Assert.Equal(["ResolveChannel", "FindConversation", "FindOrCreateContact", "AppendMessage", "AssignConversation", "CreateTicket"], Called);
        Assert.Equal(new RouteRequest(Event(), tickets), InputOf<RouteRequest>("FindOrCreateContact"));
        Assert.Equal("contact-new", InputOf<AppendRequest>("AppendMessage").ContactId);
        Assert.Equal(new ConversationRef(tickets, "conv-1"), InputOf<ConversationRef>("AssignConversation"));
        Assert.Equal(new ConversationRef(tickets, "conv-1"), InputOf<ConversationRef>("CreateTicket"));
    }

    [Fact]
    public async Task An_existing_conversation_keeps_its_contact_and_its_assignee_and_ticket()
    {
        var existing = Conversation(assigneeId: "bob", ticketId: "ticket-0");
        var tickets = Target with { Routing = Target.Routing with { Tickets = new TicketDefaults { Pipeline = "support", Status = "new" } } };
        Route(tickets, existing, new Appended(existing, IsNewConversation: false, IsNewMessage: true));

        var result = await Run(Event());

        Assert.Equal(new RoutingResult(RoutingStatus.Routed, "conv-1", "bob", "ticket-0"), result);
        Assert.Equal(["ResolveChannel", "FindConversation", "AppendMessage"], Called);
        Assert.Equal("contact-1", InputOf<AppendRequest>("AppendMessage").ContactId);
    }

    [Theory]
    [InlineData(InboundEventType.Echo)]
    [InlineData(InboundEventType.Read)]
    [InlineData(InboundEventType.Delivery)]
    public async Task Our_own_echo_and_a_receipt_are_recorded_and_routed_no_further(InboundEventType type)
    {
        Route(Greeting, Conversation(), new Appended(Conversation(), IsNewConversation: false, IsNewMessage: true));

        var result = await Run(Event(type));

        Assert.Equal(new RoutingResult(RoutingStatus.Routed, "conv-1", null), result);
        Assert.Equal(["ResolveChannel", "FindConversation", "AppendMessage"], Called);
    }

    [Fact]
    public async Task With_assignment_off_nobody_is_assigned_and_nobody_is_told()
    {
        var off = Target with { Routing = new Routing { Assignment = Assignment.Off } };
        Route(off, existing: null, new Appended(Conversation(openedBy: "m_1"), IsNewConversation: true, IsNewMessage: true));

        var result = await Run(Event());

        Assert.Equal(new RoutingResult(RoutingStatus.Routed, "conv-1", null), result);
        Assert.Equal(["ResolveChannel", "FindConversation", "FindOrCreateContact", "AppendMessage"], Called);
    }

    [Fact]
    public async Task A_new_conversation_nobody_could_take_sends_the_unassigned_notice()
    {
        Route(Target, existing: null, new Appended(Conversation(openedBy: "m_1"), IsNewConversation: true, IsNewMessage: true));
        Answer<string?>("AssignConversation", null);

        var result = await Run(Event());

        Assert.Equal(new RoutingResult(RoutingStatus.Routed, "conv-1", null), result);
        Assert.Equal(["ResolveChannel", "FindConversation", "FindOrCreateContact", "AppendMessage", "AssignConversation", "NotifyUnassigned"], Called);
        Assert.Equal(new ConversationRef(Target, "conv-1"), InputOf<ConversationRef>("NotifyUnassigned"));
    }

    [Fact]
    public async Task A_later_message_nobody_could_take_sends_no_second_notice()
    {
        Route(Target, Conversation(), new Appended(Conversation(openedBy: "m_0"), IsNewConversation: false, IsNewMessage: true));
        Answer<string?>("AssignConversation", null);

        await Run(Event(externalId: "m_1"));

        Assert.Equal(["ResolveChannel", "FindConversation", "AppendMessage", "AssignConversation"], Called);
    }

    [Fact]
    public async Task The_opening_event_redelivered_sends_the_notice_its_first_run_left_unsent()
    {
        Route(Target, Conversation(openedBy: "m_1"), new Appended(Conversation(openedBy: "m_1"), IsNewConversation: false, IsNewMessage: false));
        Answer<string?>("AssignConversation", null);

        await Run(Event(externalId: "m_1"));

        Assert.Equal(["ResolveChannel", "FindConversation", "AppendMessage", "AssignConversation", "NotifyUnassigned"], Called);
    }

    [Fact]
    public async Task A_channel_with_a_greeting_greets_a_new_conversation_before_assigning_it()
    {
        Route(Greeting, existing: null, new Appended(Conversation(openedBy: "m_1"), IsNewConversation: true, IsNewMessage: true));

        await Run(Event());

        Assert.Equal(["ResolveChannel", "FindConversation", "FindOrCreateContact", "AppendMessage", "GreetNewConversation", "AssignConversation"], Called);
        Assert.Equal(new ConversationRef(Greeting, "conv-1"), InputOf<ConversationRef>("GreetNewConversation"));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData(" NO ")]
    public async Task An_answer_to_the_consent_question_in_an_existing_conversation_is_recorded(string answer)
    {
        Route(Greeting, Conversation(assigneeId: "bob"), new Appended(Conversation(assigneeId: "bob"), IsNewConversation: false, IsNewMessage: true));

        await Run(Event(text: answer));

        Assert.Equal(["ResolveChannel", "FindConversation", "AppendMessage", "RecordConsent"], Called);
        Assert.Equal(new RouteRequest(Event(text: answer), Greeting), InputOf<RouteRequest>("RecordConsent"));
    }

    [Fact]
    public async Task Other_text_in_an_existing_conversation_is_no_consent_and_no_second_greeting()
    {
        Route(Greeting, Conversation(assigneeId: "bob"), new Appended(Conversation(assigneeId: "bob"), IsNewConversation: false, IsNewMessage: true));

        await Run(Event(text: "yes please"));

        Assert.Equal(["ResolveChannel", "FindConversation", "AppendMessage"], Called);
    }

    [Fact]
    public async Task Without_a_greeting_a_new_conversation_is_neither_greeted_nor_asked_for_consent()
    {
        Route(Target, existing: null, new Appended(Conversation(openedBy: "m_1"), IsNewConversation: true, IsNewMessage: true));

        await Run(Event(text: "yes"));

        Assert.DoesNotContain("GreetNewConversation", Called);
        Assert.DoesNotContain("RecordConsent", Called);
    }

    [Fact]
    public async Task Every_activity_is_called_with_the_retry_policy()
    {
        var tickets = Target with { Routing = Target.Routing with { Tickets = new TicketDefaults { Pipeline = "support", Status = "new" } } };
        Route(tickets with { Greeting = Greeting.Greeting }, existing: null, new Appended(Conversation(openedBy: "m_1"), true, true));
        Answer<string?>("AssignConversation", null);

        await Run(Event());

        Assert.Equal(["ResolveChannel", "FindConversation", "FindOrCreateContact", "AppendMessage", "GreetNewConversation",
            "AssignConversation", "CreateTicket", "NotifyUnassigned"], Called);
        Assert.All(context.Invocations, call => Assert.NotNull(Assert.IsType<TaskOptions>(call.Arguments[2]).Retry));
    }
}
