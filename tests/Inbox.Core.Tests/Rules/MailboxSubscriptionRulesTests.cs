using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class MailboxSubscriptionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly SubscriptionUpkeepPolicy Policy = new(RenewalMargin: TimeSpan.FromDays(1), SilenceThreshold: TimeSpan.FromHours(6));

    private static MailboxSubscription Subscription(TimeSpan expiresIn, TimeSpan? notifiedAgo = null, TimeSpan? caughtUpAgo = null, TimeSpan? createdAgo = null) =>
        new("sub-1", "acc", "inbox", "ch", "support@contoso.test", "tenant", Now - (createdAgo ?? TimeSpan.FromDays(3)), Now + expiresIn)
        {
            LastNotificationAt = Now - notifiedAgo,
            LastCatchUpAt = Now - caughtUpAgo,
        };

    [Fact]
    public void A_subscription_is_asked_for_just_under_Graphs_10080_minutes() =>
        Assert.InRange(MailboxSubscriptionRules.ExpiryFrom(Now) - Now, TimeSpan.FromMinutes(10_000), TimeSpan.FromMinutes(10_079));

    [Fact]
    public void Far_from_expiry_and_heard_of_lately_it_needs_nothing() =>
        Assert.Equal(SubscriptionUpkeep.None, MailboxSubscriptionRules.Needs(Subscription(TimeSpan.FromDays(3), notifiedAgo: TimeSpan.FromMinutes(5)), Now, Policy));

    [Theory]
    [InlineData(24 * 60)] // at the margin
    [InlineData(60)]
    [InlineData(-60)] // lapsed already: a late run renews it (or Graph answers 404 and it is created again)
    public void Within_the_renewal_margin_it_is_renewed(int minutesLeft) =>
        Assert.True(MailboxSubscriptionRules.Needs(Subscription(TimeSpan.FromMinutes(minutesLeft), notifiedAgo: TimeSpan.Zero), Now, Policy).HasFlag(SubscriptionUpkeep.Renew));

    [Fact]
    public void A_mailbox_quiet_past_the_threshold_is_caught_up() =>
        Assert.Equal(SubscriptionUpkeep.CatchUp,
            MailboxSubscriptionRules.Needs(Subscription(TimeSpan.FromDays(3), notifiedAgo: TimeSpan.FromHours(7), caughtUpAgo: TimeSpan.FromHours(8)), Now, Policy));

    [Fact]
    public void A_recent_catch_up_counts_as_hearing_of_the_mailbox() =>
        Assert.Equal(SubscriptionUpkeep.None,
            MailboxSubscriptionRules.Needs(Subscription(TimeSpan.FromDays(3), notifiedAgo: TimeSpan.FromDays(2), caughtUpAgo: TimeSpan.FromHours(1)), Now, Policy));

    [Fact]
    public void A_new_subscription_never_notified_counts_from_its_creation()
    {
        Assert.Equal(SubscriptionUpkeep.None, MailboxSubscriptionRules.Needs(Subscription(TimeSpan.FromDays(6), createdAgo: TimeSpan.FromHours(1)), Now, Policy));
        Assert.Equal(SubscriptionUpkeep.CatchUp, MailboxSubscriptionRules.Needs(Subscription(TimeSpan.FromDays(6), createdAgo: TimeSpan.FromHours(6)), Now, Policy));
    }

    [Fact]
    public void Both_at_once()
    {
        var needs = MailboxSubscriptionRules.Needs(Subscription(TimeSpan.FromHours(2), notifiedAgo: TimeSpan.FromDays(1)), Now, Policy);
        Assert.Equal(SubscriptionUpkeep.Renew | SubscriptionUpkeep.CatchUp, needs);
    }

    [Fact]
    public void The_catch_up_id_stays_until_the_mailbox_is_heard_of_again()
    {
        var quiet = Subscription(TimeSpan.FromDays(3), notifiedAgo: TimeSpan.FromHours(7));
        Assert.Equal(MailboxSubscriptionRules.CatchUpId(quiet), MailboxSubscriptionRules.CatchUpId(quiet with { ExpiresAt = Now + TimeSpan.FromDays(6) }));
        Assert.NotEqual(MailboxSubscriptionRules.CatchUpId(quiet), MailboxSubscriptionRules.CatchUpId(quiet with { LastCatchUpAt = Now }));
    }

    [Theory]
    [InlineData("84bd8158-6d4d-4958-8b9f-9d6445542f95", true)]
    [InlineData("contoso.onmicrosoft.com", true)]
    [InlineData("contoso", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("contoso.com/../common", false)]
    [InlineData("evil.com?x=1", false)]
    public void A_tenant_is_an_id_or_a_domain(string? tenant, bool valid) =>
        Assert.Equal(valid, MailboxSubscriptionRules.IsTenant(tenant));
}
