using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What a Graph subscription needs from the timer.</summary>
[Flags]
public enum SubscriptionUpkeep
{
    None = 0,

    /// <summary>It lapses within the renewal margin: renew it now (or create it again if Graph forgot it).</summary>
    Renew = 1,

    /// <summary>The mailbox has been quiet longer than the silence threshold: a notification may have been lost.</summary>
    CatchUp = 2,
}

/// <summary>The margins the timer keeps (section <c>Graph</c>).</summary>
public sealed record SubscriptionUpkeepPolicy(TimeSpan RenewalMargin, TimeSpan SilenceThreshold);

/// <summary>
/// The lifetime of a Graph subscription on Outlook messages and when to act on it, with the clock passed in. Graph keeps
/// such a subscription at most 10,080 minutes (docs/wire-contracts.md#microsoft-graph-change-notifications-outlook-mail);
/// asking a little less leaves room for the clocks' skew.
/// </summary>
public static class MailboxSubscriptionRules
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10_080);

    public static readonly TimeSpan Asked = MaxLifetime - TimeSpan.FromMinutes(30);

    /// <summary>The expiry to ask Graph for, creating or renewing at <paramref name="now"/>.</summary>
    public static DateTimeOffset ExpiryFrom(DateTimeOffset now) => now + Asked;

    /// <summary>
    /// What the subscription needs at <paramref name="now"/>. A run late or twice decides the same, and what it then does
    /// is idempotent: a renewal moves the expiry out of the margin, a catch-up moves <see cref="MailboxSubscription.LastHeardAt"/>.
    /// </summary>
    public static SubscriptionUpkeep Needs(MailboxSubscription subscription, DateTimeOffset now, SubscriptionUpkeepPolicy policy)
    {
        var needs = SubscriptionUpkeep.None;
        if (subscription.ExpiresAt - now <= policy.RenewalMargin) needs |= SubscriptionUpkeep.Renew;
        if (now - subscription.LastHeardAt >= policy.SilenceThreshold) needs |= SubscriptionUpkeep.CatchUp;
        return needs;
    }

    /// <summary>
    /// The queue's key of the timer's catch-up: the same until the mailbox is heard of again, so two runs before the
    /// catch-up is read queue it once.
    /// </summary>
    public static string CatchUpId(MailboxSubscription subscription) =>
        $"graph:{subscription.Id}:catch-up:{subscription.LastHeardAt.UtcTicks}";

    /// <summary>
    /// An Entra tenant as the token endpoint takes it: its id (a GUID) or one of its verified domains. Anything else could
    /// not name a tenant, and it goes into a URL.
    /// </summary>
    public static bool IsTenant(string? tenant) =>
        tenant is { Length: > 0 and <= 253 } &&
        (Guid.TryParse(tenant, out _) || (tenant.Contains('.') && tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-')));
}
