using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application;

/// <summary>
/// <see cref="ConversationUseCases"/>'s own rules, with its ports mocked: who may see and who may work an inbox's
/// conversations, whom a conversation may be assigned to, when a change is retried, and what is refused before any
/// store or channel is asked. The stores themselves are tested against the database (Inbox.Azure.Tests).
/// </summary>
public sealed class ConversationUseCasesTests
{
    private static readonly Caller Alice = new(TestData.AccountId, "alice", new HashSet<Role> { Role.Member }); // a member
    private static readonly Caller Bob = new(TestData.AccountId, "bob", new HashSet<Role> { Role.Member }); // not a member
    private static readonly Caller Dana = new(TestData.AccountId, "dana", new HashSet<Role> { Role.AccountAdmin }); // an admin, not a member
    private static readonly Caller Stranger = new(TestData.OtherAccountId, "alice", new HashSet<Role> { Role.AccountAdmin });

    private static readonly Inbox AliceOnly = TestData.AnInbox(new InboxMembers { UserIds = ["alice"] });

    private static readonly Conversation Open = new()
    {
        Id = "conv-1",
        AccountId = TestData.AccountId,
        InboxId = TestData.InboxId,
        ChannelId = TestData.EmailChannelId,
        ChannelKind = ChannelKind.Email,
        ThreadKey = "thread-1",
        SenderId = "ana@example.test",
        CreatedAt = TestData.T0,
        LastMessageAt = TestData.T0,
    };

    private readonly Mock<IInboxStore> inboxes = new();
    private readonly Mock<IDirectoryStore> directories = new();
    private readonly Mock<IConversationStore> conversations = new();
    private readonly Mock<ITicketStore> tickets = new();
    private readonly FakeTimeProvider clock = new(TestData.T0.AddHours(1));

    public ConversationUseCasesTests()
    {
        directories.Setup(d => d.Load(TestData.AccountId, It.IsAny<CancellationToken>())).ReturnsAsync(TestData.AcmeDirectory);
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Inbox>(AliceOnly, "\"i1\""));
        conversations.Setup(s => s.Find(TestData.InboxId, "conv-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Conversation>(Open, "\"c1\""));
        conversations.Setup(s => s.Replace(It.IsAny<Conversation>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Conversation c, string _, CancellationToken _) => new Versioned<Conversation>(c, "\"c2\""));
    }

    private ConversationUseCases Desk() => new(inboxes.Object, directories.Object, conversations.Object, tickets.Object, clock);

    private void NoConversationTouched() => conversations.VerifyNoOtherCalls();

    [Fact]
    public async Task A_member_works_the_conversations_of_the_inbox()
    {
        var closed = await Desk().Close(Alice, TestData.InboxId, "conv-1", "\"c1\"", default);

        Assert.Equal((ConversationStatus.Closed, clock.GetUtcNow()), (closed.Value!.Value.Status, closed.Value.Value.ClosedAt));
        conversations.Verify(s => s.Replace(It.Is<Conversation>(c => c.Status == ConversationStatus.Closed), "\"c1\"", It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task An_admin_who_is_not_a_member_sees_the_conversations_but_may_not_work_them()
    {
        conversations.Setup(s => s.Messages(TestData.InboxId, "conv-1", It.IsAny<CancellationToken>())).ReturnsAsync([]);

        Assert.True((await Desk().Get(Dana, TestData.InboxId, "conv-1", default)).IsSuccess);
        var refused = await Desk().Close(Dana, TestData.InboxId, "conv-1", "\"c1\"", default);

        Assert.Equal((ProblemKind.Forbidden, "Only members of the inbox can work its conversations."), (refused.Problem!.Kind, refused.Problem.Title));
        conversations.Verify(s => s.Replace(It.IsAny<Conversation>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task To_whoever_may_not_see_the_inbox_its_conversations_do_not_exist()
    {
        foreach (var caller in new[] { Bob, Stranger })
        {
            Assert.Equal(ProblemKind.NotFound, (await Desk().Get(caller, TestData.InboxId, "conv-1", default)).Problem!.Kind);
            Assert.Equal(ProblemKind.NotFound, (await Desk().Close(caller, TestData.InboxId, "conv-1", null, default)).Problem!.Kind);
            Assert.Equal(ProblemKind.NotFound, (await Desk().List(caller, TestData.InboxId, new ConversationFilter(), null, null, default)).Problem!.Kind);
        }

        NoConversationTouched();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task A_page_size_out_of_range_is_refused_before_any_store_is_asked(int pageSize)
    {
        var list = await Desk().List(Alice, TestData.InboxId, new ConversationFilter(), pageSize, null, default);
        var listTickets = await Desk().ListTickets(Alice, pageSize, null, default);

        Assert.Equal("pageSize", Assert.Single(list.Problem!.Errors!).Field);
        Assert.Equal("pageSize", Assert.Single(listTickets.Problem!.Errors!).Field);
        inboxes.VerifyNoOtherCalls();
        tickets.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("zoe", "No user 'zoe' in this account.")]
    [InlineData("bob", "The user is not a member of this inbox.")]
    public async Task A_conversation_is_assigned_only_to_a_member_of_the_inbox(string assigneeId, string message)
    {
        var refused = await Desk().Assign(Alice, TestData.InboxId, "conv-1", new AssigneeChange(assigneeId), "\"c1\"", default);

        var error = Assert.Single(refused.Problem!.Errors!);
        Assert.Equal(("assigneeId", message), (error.Field, error.Message));
        NoConversationTouched();
    }

    [Fact]
    public async Task Assigning_stamps_the_time_and_unassigning_keeps_when_it_was_last_assigned()
    {
        var assigned = await Desk().Assign(Alice, TestData.InboxId, "conv-1", new AssigneeChange("alice"), "\"c1\"", default);
        Assert.Equal(("alice", clock.GetUtcNow()), (assigned.Value!.Value.AssigneeId, assigned.Value.Value.AssignedAt));

        conversations.Setup(s => s.Find(TestData.InboxId, "conv-1", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Conversation>(assigned.Value.Value, "\"c2\""));
        clock.Advance(TimeSpan.FromHours(1));
        var unassigned = await Desk().Assign(Alice, TestData.InboxId, "conv-1", new AssigneeChange(null), "\"c2\"", default);
        Assert.Equal((null, TestData.T0.AddHours(1)), (unassigned.Value!.Value.AssigneeId, unassigned.Value.Value.AssignedAt));
    }

    [Fact]
    public async Task Without_if_match_a_lost_race_is_re_read_and_retried_up_to_five_times()
    {
        conversations.Setup(s => s.Replace(It.IsAny<Conversation>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(Problem.StaleETag);

        var closed = await Desk().Close(Alice, TestData.InboxId, "conv-1", null, default);

        Assert.Same(Problem.StaleETag, closed.Problem);
        conversations.Verify(s => s.Find(TestData.InboxId, "conv-1", It.IsAny<CancellationToken>()), Times.Exactly(5));
        conversations.Verify(s => s.Replace(It.IsAny<Conversation>(), "\"c1\"", It.IsAny<CancellationToken>()), Times.Exactly(5));
    }

    [Fact]
    public async Task With_if_match_a_stale_version_is_answered_at_once()
    {
        conversations.Setup(s => s.Replace(It.IsAny<Conversation>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(Problem.StaleETag);

        var closed = await Desk().Close(Alice, TestData.InboxId, "conv-1", "\"c0\"", default);

        Assert.Same(Problem.StaleETag, closed.Problem);
        conversations.Verify(s => s.Replace(It.IsAny<Conversation>(), "\"c0\"", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_reply_on_an_email_conversation_is_stored_queued_and_put_on_the_queue()
    {
        var queue = new Mock<IInboundQueue>();
        var email = new EmailReplies(conversations.Object, inboxes.Object, directories.Object, queue.Object, Mock.Of<IAttachmentStore>(),
            Mock.Of<IMailHtml>(h => h.Sanitize(It.IsAny<string>()) == "<div>On it!</div>" && h.ToText(It.IsAny<string>()) == ""), [], clock);
        var desk = new ConversationUseCases(inboxes.Object, directories.Object, conversations.Object, tickets.Object, clock, email: email);

        var reply = await desk.Reply(Alice, TestData.InboxId, "conv-1", new NewReply("On it!"), default);

        Assert.Equal((DeliveryStatus.Queued, "<div>On it!</div>"), (reply.Value!.Delivery!.Status, reply.Value.Html));
        conversations.Verify(s => s.SaveMessage(reply.Value, It.IsAny<CancellationToken>()));
        queue.Verify(q => q.Enqueue(It.Is<IReadOnlyList<InboundEvent>>(e => e.Single().Reply!.MessageId == reply.Value.Id), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task A_reply_by_someone_who_is_not_a_member_is_refused_and_nothing_is_kept()
    {
        var reply = await Desk().Reply(Bob, TestData.InboxId, "conv-1", new NewReply("On it!"), default);

        Assert.Equal(ProblemKind.NotFound, reply.Problem!.Kind);
        conversations.Verify(s => s.SaveMessage(It.IsAny<Message>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_reply_through_a_disconnected_channel_is_refused_and_nothing_is_kept()
    {
        conversations.Setup(s => s.Find(TestData.InboxId, "conv-1", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Conversation>(Open with { ChannelId = "gone" }, "\"c1\""));

        var reply = await Desk().Reply(Alice, TestData.InboxId, "conv-1", new NewReply("On it!"), default);

        Assert.Equal(ProblemKind.Conflict, reply.Problem!.Kind);
        Assert.StartsWith("The Email channel of this conversation was disconnected", reply.Problem.Detail);
        conversations.Verify(s => s.SaveMessage(It.IsAny<Message>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task An_admin_lists_every_ticket_of_the_account_unfiltered()
    {
        tickets.Setup(s => s.List(TestData.AccountId, null, 50, null, It.IsAny<CancellationToken>())).ReturnsAsync(new Page<Ticket>([], null));

        Assert.True((await Desk().ListTickets(Dana, null, null, default)).IsSuccess);

        tickets.Verify(s => s.List(TestData.AccountId, null, 50, null, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task A_member_lists_the_tickets_of_the_inboxes_it_sees_and_one_who_sees_none_asks_no_store()
    {
        inboxes.Setup(s => s.List(TestData.AccountId, 100, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Page<Versioned<Inbox>>([new Versioned<Inbox>(AliceOnly, "\"i1\"")], null));
        tickets.Setup(s => s.List(TestData.AccountId, It.IsAny<IReadOnlyCollection<string>?>(), 20, "next", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Page<Ticket>([], null));

        Assert.True((await Desk().ListTickets(Alice, 20, "next", default)).IsSuccess);
        tickets.Verify(s => s.List(TestData.AccountId, It.Is<IReadOnlyCollection<string>?>(ids => ids!.SequenceEqual(new[] { TestData.InboxId })), 20, "next", It.IsAny<CancellationToken>()));

        var none = await Desk().ListTickets(Bob, 20, null, default);
        Assert.Empty(none.Value!.Items);
        Assert.Null(none.Value.ContinuationToken);
        tickets.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_ticket_of_an_inbox_the_caller_cannot_see_does_not_exist_for_it()
    {
        var ticket = new Ticket("ticket-1", TestData.AccountId, "conv-1", "contact-1", "support", "new", TicketPriority.Medium, null, TestData.T0)
        {
            InboxId = TestData.InboxId,
        };
        tickets.Setup(s => s.Find(TestData.AccountId, "ticket-1", It.IsAny<CancellationToken>())).ReturnsAsync(ticket);

        Assert.Same(ticket, (await Desk().GetTicket(Alice, "ticket-1", default)).Value);
        Assert.Same(ticket, (await Desk().GetTicket(Dana, "ticket-1", default)).Value);
        Assert.Equal(ProblemKind.NotFound, (await Desk().GetTicket(Bob, "ticket-1", default)).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await Desk().GetTicket(Bob, "../ticket-1", default)).Problem!.Kind);
    }
}
