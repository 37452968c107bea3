namespace InboxServerless.Core.Rules;

/// <summary>Who a chat's header shows.</summary>
public static class ChatHeaderRules
{
    /// <summary>A header names more than three users: three of them are shown, chosen at random.</summary>
    public static IReadOnlyList<string> UsersToShow(IReadOnlyList<string> userIds, Random random) =>
        userIds.Count <= 3 ? userIds : [.. userIds.OrderBy(_ => random.Next()).Take(3)];
}
