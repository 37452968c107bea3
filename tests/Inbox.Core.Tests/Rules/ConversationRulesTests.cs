using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class ConversationRulesTests
{
    private static readonly DateTimeOffset Later = T0.AddHours(2);

    private static readonly Conversation Open = new()
    {
        Id = "c1",
        AccountId = AccountId,
        InboxId = InboxId,
        ChannelId = EmailChannelId,
        ChannelKind = ChannelKind.Email,
        ThreadKey = "email:message:m1",
        SenderId = "jo@customer.test",
        CreatedAt = T0,
        LastMessageAt = T0,
    };

    [Fact]
    public void Assigning_records_who_and_when()
    {
        var assigned = ConversationRules.Assign(Open, "alice", Later);

        Assert.Equal("alice", assigned.AssigneeId);
        Assert.Equal(Later, assigned.AssignedAt);
    }

    [Fact]
    public void Unassigning_keeps_when_it_was_last_assigned()
    {
        var unassigned = ConversationRules.Assign(Open with { AssigneeId = "alice", AssignedAt = T0 }, null, Later);

        Assert.Null(unassigned.AssigneeId);
        Assert.Equal(T0, unassigned.AssignedAt);
    }

    [Fact]
    public void Closing_records_when()
    {
        var closed = ConversationRules.Close(Open, Later);

        Assert.Equal(ConversationStatus.Closed, closed.Status);
        Assert.Equal(Later, closed.ClosedAt);
    }

    [Fact]
    public void Closing_a_closed_conversation_changes_nothing()
    {
        var closed = Open with { Status = ConversationStatus.Closed, ClosedAt = T0 };

        Assert.Same(closed, ConversationRules.Close(closed, Later));
    }

    [Fact]
    public void Reopening_forgets_when_it_was_closed()
    {
        var reopened = ConversationRules.Reopen(Open with { Status = ConversationStatus.Closed, ClosedAt = T0 });

        Assert.Equal(ConversationStatus.Open, reopened.Status);
        Assert.Null(reopened.ClosedAt);
    }

    [Fact]
    public void A_reply_moves_the_last_message_time_forward_only()
    {
        Assert.Equal(Later, ConversationRules.Replied(Open, Later).LastMessageAt);
        Assert.Equal(Later, ConversationRules.Replied(Open with { LastMessageAt = Later }, T0).LastMessageAt);
    }
}
