using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class InboundEventRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly Conversation Opened = new()
    {
        Id = "c1", AccountId = "acme", InboxId = "inbox-1", ChannelId = "page", ChannelKind = ChannelKind.Messenger,
        ThreadKey = "messenger:psid-1", SenderId = "psid-1", CreatedAt = T0, LastMessageAt = T0, LastIncomingAt = T0,
    };

    private static InboundEvent Event(InboundEventType type, DateTimeOffset sentAt, string? text = null, string? payload = null) => new()
    {
        Channel = ChannelKind.Messenger, Type = type, BindingKey = "messenger:page", ExternalId = $"m_{type}_{sentAt.Ticks}",
        Sender = new InboundSender("psid-1"), Content = new InboundContent { Text = text, Payload = payload },
        SentAt = sentAt, ReceivedAt = sentAt,
    };

    [Fact]
    public void A_delivery_receipt_changes_nothing() =>
        Assert.Equal(Opened, InboundEventRules.Apply(Opened, Event(InboundEventType.Delivery, T0.AddHours(1))));

    [Fact]
    public void A_read_receipt_moves_how_far_the_contact_read_forward_only()
    {
        var read = InboundEventRules.Apply(Opened, Event(InboundEventType.Read, T0.AddMinutes(5)));
        Assert.Equal(Opened with { ReadByContactUpTo = T0.AddMinutes(5) }, read);
        Assert.Equal(read, InboundEventRules.Apply(read, Event(InboundEventType.Read, T0.AddMinutes(1))));
    }

    [Fact]
    public void A_message_from_the_contact_moves_the_last_message_and_the_last_incoming_forward_only()
    {
        var later = InboundEventRules.Apply(Opened, Event(InboundEventType.Message, T0.AddMinutes(5)));
        Assert.Equal((T0.AddMinutes(5), (DateTimeOffset?)T0.AddMinutes(5)), (later.LastMessageAt, later.LastIncomingAt));
        Assert.Equal(later, InboundEventRules.Apply(later, Event(InboundEventType.Message, T0.AddMinutes(1))));
    }

    [Fact]
    public void An_echo_of_our_own_message_is_not_the_contacts()
    {
        var closed = Opened with { Status = ConversationStatus.Closed, ClosedAt = T0.AddMinutes(1), WindowClosedAt = T0.AddMinutes(2) };
        var echoed = InboundEventRules.Apply(closed, Event(InboundEventType.Echo, T0.AddMinutes(5)));
        Assert.Equal(closed with { LastMessageAt = T0.AddMinutes(5) }, echoed);
    }

    [Fact]
    public void A_message_sent_after_the_close_reopens_and_one_sent_before_it_does_not()
    {
        var closed = Opened with { Status = ConversationStatus.Closed, ClosedAt = T0.AddMinutes(10) };

        var reopened = InboundEventRules.Apply(closed, Event(InboundEventType.Message, T0.AddMinutes(11)));
        Assert.Equal((ConversationStatus.Open, (DateTimeOffset?)null), (reopened.Status, reopened.ClosedAt));

        var late = InboundEventRules.Apply(closed, Event(InboundEventType.Message, T0.AddMinutes(9)));
        Assert.Equal((ConversationStatus.Closed, (DateTimeOffset?)T0.AddMinutes(10)), (late.Status, late.ClosedAt));
    }

    [Fact]
    public void A_newer_message_from_the_contact_opens_a_new_window_and_an_older_one_does_not()
    {
        var windowClosed = Opened with { WindowClosedAt = T0.AddDays(7) };
        Assert.Null(InboundEventRules.Apply(windowClosed, Event(InboundEventType.Message, T0.AddDays(8))).WindowClosedAt);
        Assert.Equal(T0.AddDays(7), InboundEventRules.Apply(windowClosed, Event(InboundEventType.Message, T0.AddMinutes(-1))).WindowClosedAt);
    }

    /// <summary>Out-of-order delivery is applied as if in order, and a redelivered event changes nothing more.</summary>
    [Fact]
    public void Events_give_the_same_conversation_in_any_order_and_applied_twice()
    {
        InboundEvent[] events =
        [
            Event(InboundEventType.Message, T0.AddMinutes(3)), Event(InboundEventType.Echo, T0.AddMinutes(4)),
            Event(InboundEventType.Read, T0.AddMinutes(5)), Event(InboundEventType.Message, T0.AddMinutes(20)),
            Event(InboundEventType.Delivery, T0.AddMinutes(21)),
        ];
        var closed = Opened with { Status = ConversationStatus.Closed, ClosedAt = T0.AddMinutes(10), WindowClosedAt = T0.AddMinutes(10) };
        var inOrder = events.Aggregate(closed, InboundEventRules.Apply);

        var random = new Random(13);
        for (var i = 0; i < 20; i++)
        {
            var shuffled = events.Concat(events.Take(random.Next(events.Length))).OrderBy(_ => random.Next()).ToArray();
            Assert.Equal(inOrder, shuffled.Aggregate(closed, InboundEventRules.Apply));
        }

        Assert.Equal((ConversationStatus.Open, T0.AddMinutes(20), (DateTimeOffset?)T0.AddMinutes(5)), (inOrder.Status, inOrder.LastMessageAt, inOrder.ReadByContactUpTo));
    }

    [Theory]
    [InlineData(null, "CONSENT_YES", ConsentStatus.Given)]
    [InlineData(null, "CONSENT_NO", ConsentStatus.Refused)]
    [InlineData(" yes ", null, ConsentStatus.Given)]
    [InlineData("No", null, ConsentStatus.Refused)]
    [InlineData("No", "CONSENT_YES", ConsentStatus.Given)] // a quick reply's payload is the answer, whatever its title says
    [InlineData("yes please", null, null)]
    [InlineData(null, "GET_STARTED", null)]
    [InlineData(null, null, null)]
    public void The_answer_to_the_consent_question_is_a_quick_reply_or_a_plain_yes_or_no(string? text, string? payload, ConsentStatus? answer) =>
        Assert.Equal(answer, InboundEventRules.ConsentAnswer(Event(InboundEventType.Message, T0, text, payload)));

    [Fact]
    public void The_consent_question_offers_the_answers_the_rule_reads() =>
        Assert.Equal([InboundEventRules.ConsentYes, InboundEventRules.ConsentNo],
            MessengerGreeting.ConsentAnswers.Select(a => a.Payload));
}
