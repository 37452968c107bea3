using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>How many items a page of a listing holds: what the caller asks for, within bounds that keep a page one cheap read.</summary>
public static class PageRules
{
    public const int DefaultSize = 50;
    public const int MaxSize = 100;

    /// <param name="requested">The caller's <c>pageSize</c>; <c>null</c> when it gave none.</param>
    public static Outcome<int> Size(int? requested)
    {
        var size = requested ?? DefaultSize;
        return size is < 1 or > MaxSize ? Problem.Invalid("pageSize", $"Between 1 and {MaxSize}.") : size;
    }
}
