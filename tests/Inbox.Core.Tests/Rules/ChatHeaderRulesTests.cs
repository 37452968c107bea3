using FsCheck;
using FsCheck.Xunit;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public class ChatHeaderRulesTests
{
    [Theory]
    [InlineData]
    [InlineData("alice")]
    [InlineData("alice", "bob")]
    [InlineData("alice", "bob", "carol")]
    public void Three_header_users_or_fewer_are_shown_as_they_are(params string[] userIds) =>
        Assert.Equal(userIds, ChatHeaderRules.UsersToShow(userIds, new Random(42)));

    [Fact]
    public void Of_more_than_three_header_users_three_distinct_are_shown()
    {
        string[] userIds = ["u1", "u2", "u3", "u4", "u5", "u6"];

        var shown = ChatHeaderRules.UsersToShow(userIds, new Random(7));

        Assert.Equal(3, shown.Count);
        Assert.Equal(3, shown.Distinct().Count());
        Assert.All(shown, u => Assert.Contains(u, userIds));
    }

    [Fact]
    public void Header_users_shown_vary_with_the_random_source()
    {
        string[] userIds = ["u1", "u2", "u3", "u4", "u5", "u6"];

        var choices = Enumerable.Range(0, 50)
            .Select(seed => string.Join(",", ChatHeaderRules.UsersToShow(userIds, new Random(seed)).Order(StringComparer.Ordinal)))
            .ToHashSet();

        Assert.True(choices.Count > 1);
    }

    [Property]
    public bool More_than_three_distinct_header_users_always_show_three_of_them(NonEmptySet<NonEmptyString> ids, int seed)
    {
        var userIds = ids.Get.Select(s => s.Get).Concat(["x1", "x2", "x3"]).Distinct().ToArray();

        var shown = ChatHeaderRules.UsersToShow(userIds, new Random(seed));

        return shown.Count == 3 && shown.Distinct().Count() == 3 && shown.All(userIds.Contains);
    }
}
