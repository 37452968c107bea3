using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class BindingRulesTests
{
    private static readonly DateTimeOffset ClaimedAt = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The claim on the inbox's e-mail channel (help@acme.com).</summary>
    private static readonly ChannelBinding Binding =
        new(new ChannelBindingKey(ChannelKind.Email, "help@acme.com").Value, AccountId, InboxId, EmailChannelId, ClaimedAt);

    private static readonly DateTimeOffset WithinLease = ClaimedAt.AddSeconds(119);
    private static readonly DateTimeOffset LeaseEnd = ClaimedAt + BindingRules.ClaimLease;
    private static readonly DateTimeOffset PastLease = ClaimedAt.AddHours(1);

    [Fact]
    public void Lease_is_two_minutes() => Assert.Equal(TimeSpan.FromMinutes(2), BindingRules.ClaimLease);

    [Fact]
    public void Claim_within_its_lease_is_held_even_without_inbox()
    {
        Assert.True(BindingRules.IsHeld(Binding, null, ClaimedAt));
        Assert.True(BindingRules.IsHeld(Binding, null, WithinLease));
    }

    [Fact]
    public void Claim_within_its_lease_is_held_while_the_inbox_does_not_record_the_channel_yet()
    {
        var inboxWithoutChannel = AnInbox().WithoutChannel(EmailChannelId, ClaimedAt);

        Assert.True(BindingRules.IsHeld(Binding, inboxWithoutChannel, WithinLease));
    }

    [Fact]
    public void Claim_whose_lease_has_just_ended_is_not_held_without_inbox() =>
        Assert.False(BindingRules.IsHeld(Binding, null, LeaseEnd));

    [Fact]
    public void Claim_past_its_lease_is_held_by_the_inbox_holding_the_channel() =>
        Assert.True(BindingRules.IsHeld(Binding, AnInbox(), PastLease));

    [Fact]
    public void Claim_past_its_lease_is_held_whatever_the_case_of_the_address()
    {
        var inbox = AnInbox().WithChannel(new Channel(EmailChannelId, Email("Help@Acme.COM"), ClaimedAt, ChannelOwnership.Proven(ClaimedAt)), ClaimedAt);

        Assert.True(BindingRules.IsHeld(Binding, inbox, PastLease));
    }

    [Fact]
    public void Claim_past_its_lease_is_not_held_when_the_inbox_is_gone() =>
        Assert.False(BindingRules.IsHeld(Binding, null, PastLease));

    [Fact]
    public void Claim_past_its_lease_is_not_held_when_the_channel_is_gone() =>
        Assert.False(BindingRules.IsHeld(Binding, AnInbox().WithoutChannel(EmailChannelId, ClaimedAt), PastLease));

    [Fact]
    public void Claim_past_its_lease_is_not_held_when_the_channel_has_another_key()
    {
        var inbox = AnInbox().WithChannel(new Channel(EmailChannelId, Email("other@acme.com"), ClaimedAt), ClaimedAt);

        Assert.False(BindingRules.IsHeld(Binding, inbox, PastLease));
    }

    [Fact]
    public void Lease_compares_instants_not_local_clock_readings()
    {
        // 12:01:30 in Paris (+02:00) is 10:01:30 UTC, within the lease.
        Assert.True(BindingRules.IsHeld(Binding, null, new DateTimeOffset(2026, 5, 4, 12, 1, 30, TimeSpan.FromHours(2))));
        // 12:05 in Paris is 10:05 UTC, past the lease.
        Assert.False(BindingRules.IsHeld(Binding, null, new DateTimeOffset(2026, 5, 4, 12, 5, 0, TimeSpan.FromHours(2))));
    }
}
