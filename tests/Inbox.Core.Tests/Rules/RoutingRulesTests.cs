using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

/// <summary>Routing is common to every kind of channel; a form channel carries it here.</summary>
public class RoutingRulesTests
{
    private static Validation Validate(Routing routing) =>
        ChannelRules.Validate(Form() with { Routing = routing }, "form-1", AnInbox(), AcmeDirectory);

    private static Routing Assign(AssignmentMode mode, string[]? users = null, string[]? teams = null) =>
        new() { Assignment = new Assignment { Mode = mode, UserIds = users ?? [], TeamIds = teams ?? [] } };

    private static Routing Tickets(string pipeline = "support", string status = "new", string? owner = null) =>
        new() { Tickets = new TicketDefaults { Pipeline = pipeline, Status = status, OwnerId = owner } };

    [Fact]
    public void Default_routing_is_valid() => Valid(Validate(new Routing()));

    [Fact]
    public void Contact_owner_assignment_is_valid() => Valid(Validate(Assign(AssignmentMode.ContactOwner)));

    [Fact]
    public void Specific_assignment_to_paid_users_and_teams_is_valid() =>
        Valid(Validate(Assign(AssignmentMode.Specific, ["alice", "bob"], ["support", "sales"])));

    [Fact]
    public void Specific_assignment_to_teams_only_is_valid() => Valid(Validate(Assign(AssignmentMode.Specific, teams: ["sales"])));

    [Fact]
    public void Specific_assignment_to_nobody_is_refused() =>
        InvalidOn(Validate(Assign(AssignmentMode.Specific)), "routing.assignment");

    [Fact]
    public void Specific_assignment_to_unknown_user_is_refused() =>
        InvalidOn(Validate(Assign(AssignmentMode.Specific, ["alice", "mallory"])), "routing.assignment.userIds");

    [Fact]
    public void Specific_assignment_to_unknown_team_is_refused() =>
        InvalidOn(Validate(Assign(AssignmentMode.Specific, teams: ["ghosts"])), "routing.assignment.teamIds");

    [Fact]
    public void Specific_assignment_to_user_named_twice_is_refused() =>
        InvalidOn(Validate(Assign(AssignmentMode.Specific, ["alice", "alice"])), "routing.assignment.userIds");

    [Fact]
    public void Specific_assignment_to_team_named_twice_is_refused() =>
        InvalidOn(Validate(Assign(AssignmentMode.Specific, teams: ["sales", "sales"])), "routing.assignment.teamIds");

    [Fact]
    public void Specific_assignment_to_user_without_paid_seat_is_refused()
    {
        var errors = Validate(Assign(AssignmentMode.Specific, ["alice", "carol"])).Errors;

        var error = Assert.Single(errors);
        Assert.Equal("routing.assignment.userIds", error.Field);
        Assert.Contains("carol", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AssignmentMode.Off)]
    [InlineData(AssignmentMode.ContactOwner)]
    public void Users_given_without_specific_assignment_are_refused(AssignmentMode mode) =>
        InvalidOn(Validate(Assign(mode, ["alice"])), "routing.assignment");

    [Theory]
    [InlineData(AssignmentMode.Off)]
    [InlineData(AssignmentMode.ContactOwner)]
    public void Teams_given_without_specific_assignment_are_refused(AssignmentMode mode) =>
        InvalidOn(Validate(Assign(mode, teams: ["support"])), "routing.assignment");

    [Fact]
    public void Ticket_defaults_are_valid() => Valid(Validate(Tickets()));

    [Fact]
    public void Ticket_defaults_with_known_owner_are_valid() => Valid(Validate(Tickets(owner: "carol")));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Ticket_defaults_need_a_pipeline(string pipeline) =>
        InvalidOn(Validate(Tickets(pipeline: pipeline)), "routing.tickets.pipeline");

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Ticket_defaults_need_a_status(string status) =>
        InvalidOn(Validate(Tickets(status: status)), "routing.tickets.status");

    [Fact]
    public void Ticket_owner_must_be_a_user_of_the_account() =>
        InvalidOn(Validate(Tickets(owner: "mallory")), "routing.tickets.ownerId");
}
