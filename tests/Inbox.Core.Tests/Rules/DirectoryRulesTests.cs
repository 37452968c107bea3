using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class DirectoryRulesTests
{
    private static Validation Users(params string[] ids)
    {
        var v = new Validation();
        DirectoryRules.CheckUsers(v, "userIds", ids, AcmeDirectory);
        return v;
    }

    private static Validation Teams(params string[] ids)
    {
        var v = new Validation();
        DirectoryRules.CheckTeams(v, "teamIds", ids, AcmeDirectory);
        return v;
    }

    [Fact]
    public void Users_and_teams_of_the_account_are_accepted()
    {
        Valid(Users("alice", "carol"));
        Valid(Teams("support", "sales"));
    }

    [Fact]
    public void Unknown_users_and_teams_are_named()
    {
        Assert.Equal(["No user 'mallory' in this account."], Users("alice", "mallory").Errors.Select(e => e.Message));
        Assert.Equal(["No team 'ops' in this account."], Teams("ops").Errors.Select(e => e.Message));
    }

    [Fact]
    public void A_user_or_team_named_twice_is_refused()
    {
        InvalidOn(Users("alice", "alice"), "userIds");
        InvalidOn(Teams("sales", "sales"), "teamIds");
    }

    [Fact]
    public void A_user_needs_a_name_and_an_address()
    {
        Valid(DirectoryRules.Validate(new UserSettings("Eve Adams", "eve@acme.com")));
        InvalidOn(DirectoryRules.Validate(new UserSettings(" ", "eve@acme.com")), "name");
        InvalidOn(DirectoryRules.Validate(new UserSettings(new string('e', 201), "eve@acme.com")), "name");
        InvalidOn(DirectoryRules.Validate(new UserSettings("Eve Adams", "eve")), "email");
    }

    [Fact]
    public void A_team_needs_a_name_and_members_of_the_account()
    {
        Valid(DirectoryRules.Validate(new TeamSettings("Billing", ["alice"]), AcmeDirectory));
        InvalidOn(DirectoryRules.Validate(new TeamSettings("", ["alice"]), AcmeDirectory), "name");
        InvalidOn(DirectoryRules.Validate(new TeamSettings("Billing", ["mallory"]), AcmeDirectory), "memberIds");
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("team_2.b-c", true)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    [InlineData("é", false)]
    public void Ids_are_letters_digits_dash_underscore_and_dot(string id, bool valid) => Assert.Equal(valid, DirectoryRules.IsValidId(id));

    [Fact]
    public void Ids_are_at_most_128_characters()
    {
        Assert.True(DirectoryRules.IsValidId(new string('i', 128)));
        Assert.False(DirectoryRules.IsValidId(new string('i', 129)));
    }

    [Theory]
    [InlineData("inbox-1", true)]
    [InlineData(null, false)]
    [InlineData("..", false)]
    [InlineData("-_.", false)]
    [InlineData("a%2Fb", false)]
    public void Only_an_id_with_a_letter_or_digit_can_name_something(string? id, bool names) => Assert.Equal(names, DirectoryRules.CanName(id));
}
