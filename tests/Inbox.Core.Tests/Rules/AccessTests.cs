using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class AccessTests
{
    private static Caller Member(string userId, string accountId = AccountId) => new(accountId, userId, new HashSet<Role> { Role.Member });
    private static Caller Admin(string userId, string accountId = AccountId) => new(accountId, userId, new HashSet<Role> { Role.AccountAdmin });
    private static Caller SuperAdmin(string userId, string accountId = AccountId) => new(accountId, userId, new HashSet<Role> { Role.SuperAdmin });

    /// <summary>Members: alice in person, and the sales team (carol).</summary>
    private static readonly Inbox Restricted = AnInbox(new InboxMembers { UserIds = ["alice"], TeamIds = ["sales"] });

    private static readonly Inbox Open = AnInbox(InboxMembers.All);

    [Fact]
    public void IsAdmin_for_account_and_super_admins_only()
    {
        Assert.False(Member("u").IsAdmin);
        Assert.True(Admin("u").IsAdmin);
        Assert.True(SuperAdmin("u").IsAdmin);
        Assert.False(new Caller(AccountId, "u", new HashSet<Role>()).IsAdmin);
    }

    // ---- CanSee ----

    [Fact]
    public void Member_named_in_person_sees_the_inbox() => Assert.True(Access.CanSee(Member("alice"), Restricted, AcmeDirectory));

    [Fact]
    public void Member_through_a_team_sees_the_inbox() => Assert.True(Access.CanSee(Member("carol"), Restricted, AcmeDirectory));

    [Fact]
    public void Non_member_does_not_see_the_inbox() => Assert.False(Access.CanSee(Member("bob"), Restricted, AcmeDirectory));

    [Fact]
    public void Everyone_of_the_account_sees_an_open_inbox() => Assert.True(Access.CanSee(Member("bob"), Open, AcmeDirectory));

    [Fact]
    public void Admin_sees_an_inbox_it_is_not_member_of() => Assert.True(Access.CanSee(Admin("bob"), Restricted, AcmeDirectory));

    [Fact]
    public void Super_admin_sees_an_inbox_it_is_not_member_of() => Assert.True(Access.CanSee(SuperAdmin("bob"), Restricted, AcmeDirectory));

    [Fact]
    public void Nobody_sees_an_inbox_of_another_account()
    {
        Assert.False(Access.CanSee(Member("alice", OtherAccountId), Restricted, AcmeDirectory));
        Assert.False(Access.CanSee(Member("alice", OtherAccountId), Open, AcmeDirectory));
        Assert.False(Access.CanSee(Admin("alice", OtherAccountId), Open, AcmeDirectory));
        Assert.False(Access.CanSee(SuperAdmin("alice", OtherAccountId), Open, AcmeDirectory));
    }

    [Fact]
    public void A_team_of_the_inbox_that_no_longer_exists_grants_nothing()
    {
        var directoryWithoutSales = new AccountDirectory([Alice, Bob, Carol], [Support]);

        Assert.False(Access.CanSee(Member("carol"), Restricted, directoryWithoutSales));
    }

    // ---- CanAdminister ----

    [Fact]
    public void Admin_administers_its_own_account() => Assert.True(Access.CanAdminister(Admin("bob"), AccountId));

    [Fact]
    public void Super_admin_administers_its_own_account() => Assert.True(Access.CanAdminister(SuperAdmin("bob"), AccountId));

    [Fact]
    public void Member_does_not_administer() => Assert.False(Access.CanAdminister(Member("alice"), AccountId));

    [Fact]
    public void Nobody_administers_another_account()
    {
        Assert.False(Access.CanAdminister(Admin("bob"), OtherAccountId));
        Assert.False(Access.CanAdminister(SuperAdmin("bob"), OtherAccountId));
    }

    // ---- CanAct ----

    [Fact]
    public void Member_named_in_person_acts() => Assert.True(Access.CanAct(Member("alice"), Restricted, AcmeDirectory));

    [Fact]
    public void Member_through_a_team_acts() => Assert.True(Access.CanAct(Member("carol"), Restricted, AcmeDirectory));

    [Fact]
    public void Non_member_does_not_act() => Assert.False(Access.CanAct(Member("bob"), Restricted, AcmeDirectory));

    [Fact]
    public void Admin_acts_only_where_it_is_a_member()
    {
        Assert.False(Access.CanAct(Admin("bob"), Restricted, AcmeDirectory));
        Assert.True(Access.CanAct(Admin("alice"), Restricted, AcmeDirectory));
    }

    [Fact]
    public void Super_admin_acts_only_where_it_is_a_member()
    {
        Assert.False(Access.CanAct(SuperAdmin("bob"), Restricted, AcmeDirectory));
        Assert.True(Access.CanAct(SuperAdmin("alice"), Restricted, AcmeDirectory));
        Assert.True(Access.CanAct(SuperAdmin("bob"), Open, AcmeDirectory));
    }

    [Fact]
    public void Nobody_acts_in_an_inbox_of_another_account()
    {
        Assert.False(Access.CanAct(Member("alice", OtherAccountId), Restricted, AcmeDirectory));
        Assert.False(Access.CanAct(SuperAdmin("alice", OtherAccountId), Open, AcmeDirectory));
    }
}
