using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class AssignmentRulesTests
{
    private static readonly AccountDirectory Directory = new(
        [
            new User("ann", "a", "Ann", "ann@a.test", HasPaidSeat: true, IsSuperAdmin: false),
            new User("bob", "a", "Bob", "bob@a.test", HasPaidSeat: true, IsSuperAdmin: false),
            new User("cy", "a", "Cy", "cy@a.test", HasPaidSeat: false, IsSuperAdmin: false),
            new User("dee", "a", "Dee", "dee@a.test", HasPaidSeat: true, IsSuperAdmin: false),
        ],
        [new Team("support", "a", "Support", ["bob", "cy", "dee"])]);

    [Fact]
    public void Candidates_are_named_users_and_team_members_with_a_paid_seat_once_each()
    {
        var assignment = new Assignment { Mode = AssignmentMode.Specific, UserIds = ["ann", "bob"], TeamIds = ["support"] };

        Assert.Equal(["ann", "bob", "dee"], AssignmentRules.Candidates(assignment, Directory, contact: null));
    }

    [Fact]
    public void The_contact_owner_is_the_candidate_when_it_has_a_paid_seat()
    {
        var owner = new Assignment { Mode = AssignmentMode.ContactOwner };
        Contact Owned(string? id) => new("c", "a", [], null, null, id, DateTimeOffset.UnixEpoch);

        Assert.Equal(["dee"], AssignmentRules.Candidates(owner, Directory, Owned("dee")));
        Assert.Empty(AssignmentRules.Candidates(owner, Directory, Owned("cy")));
        Assert.Empty(AssignmentRules.Candidates(owner, Directory, Owned(null)));
        Assert.Empty(AssignmentRules.Candidates(Assignment.Off, Directory, Owned("dee")));
    }

    [Fact]
    public void The_fewest_open_conversations_win_and_ties_go_round_robin()
    {
        string[] candidates = ["ann", "bob", "dee"];
        var load = new Dictionary<string, int> { ["ann"] = 2, ["bob"] = 1, ["dee"] = 1 };

        Assert.Equal("bob", AssignmentRules.Choose(candidates, _ => true, load, lastAssigned: null));
        Assert.Equal("dee", AssignmentRules.Choose(candidates, _ => true, load, lastAssigned: "bob"));
        Assert.Equal("bob", AssignmentRules.Choose(candidates, _ => true, load, lastAssigned: "dee")); // wraps around
    }

    [Fact]
    public void Available_members_are_preferred_and_when_none_is_everyone_counts()
    {
        string[] candidates = ["ann", "bob"];
        var load = new Dictionary<string, int> { ["bob"] = 5 };

        Assert.Equal("bob", AssignmentRules.Choose(candidates, id => id == "bob", load, null));
        Assert.Equal("ann", AssignmentRules.Choose(candidates, _ => false, load, null));
        Assert.Null(AssignmentRules.Choose([], _ => true, load, null));
    }

    /// <summary>Over any run of new conversations, no eligible member ends up with more than one more than another.</summary>
    [Property(MaxTest = 300)]
    public Property Assignment_stays_fair(PositiveInt members, PositiveInt conversations, NonNegativeInt startAfter)
    {
        var candidates = Enumerable.Range(0, members.Get % 40 + 1).Select(i => $"user-{i:D2}").ToList();
        var open = candidates.ToDictionary(c => c, _ => 0);
        string? last = candidates[startAfter.Get % candidates.Count];
        var fairThroughout = true;
        for (var i = 0; i < conversations.Get % 500 + 1; i++)
        {
            last = AssignmentRules.Choose(candidates, _ => true, open, last)!;
            open[last]++;
            fairThroughout &= open.Values.Max() - open.Values.Min() <= 1;
        }

        return fairThroughout.Label($"{candidates.Count} members: {string.Join(",", open.Values)}");
    }

    [Fact]
    public void By_hand_a_conversation_goes_to_a_member_of_the_inbox_paid_seat_or_not()
    {
        var inbox = TestData.AnInbox(new InboxMembers { UserIds = ["carol"], TeamIds = ["support"] });

        Assertions.Valid(AssignmentRules.ValidateAssignee("alice", inbox, TestData.AcmeDirectory));
        Assertions.Valid(AssignmentRules.ValidateAssignee("carol", inbox, TestData.AcmeDirectory));
    }

    [Fact]
    public void By_hand_a_conversation_goes_to_no_stranger()
    {
        var inbox = TestData.AnInbox(new InboxMembers { TeamIds = ["support"] });

        Assert.Equal([new FieldError("assigneeId", "No user 'mallory' in this account.")],
            AssignmentRules.ValidateAssignee("mallory", inbox, TestData.AcmeDirectory).Errors);
        Assert.Equal([new FieldError("assigneeId", "The user is not a member of this inbox.")],
            AssignmentRules.ValidateAssignee("carol", inbox, TestData.AcmeDirectory).Errors);
    }
}
