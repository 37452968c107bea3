using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

/// <summary>A channel's external id is live only once proven: the rule for every kind, and what it does to claims.</summary>
public class ChannelOwnershipRulesTests
{
    private const string PageChannelId = "page-1";
    private static readonly DateTimeOffset ConnectedAt = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);
    private static readonly string PageKey = new ChannelBindingKey(ChannelKind.Messenger, "1234567890").Value;
    private static readonly ChannelBinding PageBinding = new(PageKey, AccountId, InboxId, PageChannelId, ConnectedAt);
    private static readonly DateTimeOffset PastLease = ConnectedAt.AddHours(1);
    private static readonly DateTimeOffset Expired = ConnectedAt + ChannelOwnershipRules.PendingLifetime;

    private static Inbox InboxWithPage(ChannelOwnership? ownership) =>
        AnInbox().WithChannel(new Channel(PageChannelId, Messenger(), ConnectedAt, ownership), ConnectedAt);

    private static readonly ChannelOwnership Pending = ChannelOwnershipRules.AtConnection(ChannelKind.Messenger, ConnectedAt);
    private static readonly ChannelOwnership Proven = ChannelOwnership.Proven(ConnectedAt.AddMinutes(5));

    [Fact]
    public void Pending_lasts_24_hours() => Assert.Equal(TimeSpan.FromHours(24), ChannelOwnershipRules.PendingLifetime);

    [Fact]
    public void A_page_starts_pending_until_its_lifetime_ends() =>
        Assert.Equal(new ChannelOwnership(OwnershipState.Pending, ExpiresAt: ConnectedAt.AddHours(24)), Pending);

    [Fact]
    public void An_address_starts_pending_for_7_days_a_page_for_24_hours()
    {
        Assert.True(ChannelOwnershipRules.NeedsProof(ChannelKind.Email));
        Assert.Equal(TimeSpan.FromDays(7), ChannelOwnershipRules.PendingLifetimeOf(ChannelKind.Email));
        Assert.Equal(TimeSpan.FromHours(24), ChannelOwnershipRules.PendingLifetimeOf(ChannelKind.Messenger));
        Assert.Equal(ChannelOwnership.Pending(ConnectedAt.AddDays(7)), ChannelOwnershipRules.AtConnection(ChannelKind.Email, ConnectedAt));
    }

    [Fact]
    public void A_pending_address_routes_nothing_and_its_claim_is_free_after_7_days()
    {
        var address = new Channel(EmailChannelId, Email(), ConnectedAt, ChannelOwnershipRules.AtConnection(ChannelKind.Email, ConnectedAt));
        var inbox = AnInbox().WithChannel(address, ConnectedAt);
        var binding = new ChannelBinding(address.BindingKey.Value, AccountId, InboxId, EmailChannelId, ConnectedAt);

        Assert.False(BindingRules.IsLive(binding, inbox));
        Assert.True(ChannelOwnershipRules.IsPending(address, ConnectedAt.AddDays(7).AddTicks(-1)));
        Assert.False(BindingRules.YieldsTo(binding, inbox, ConnectedAt.AddDays(7).AddTicks(-1), provenClaim: false));
        Assert.True(BindingRules.YieldsTo(binding, inbox, ConnectedAt.AddDays(7), provenClaim: false));
        // Another account's proof is never blocked by it.
        Assert.True(BindingRules.YieldsTo(binding, inbox, ConnectedAt.AddMinutes(5), provenClaim: true));
    }

    [Theory]
    [InlineData(ChannelKind.Messenger, true)]
    [InlineData(ChannelKind.Email, false)] // proven later: by a grant, or by the verification message coming back
    public void Only_a_page_is_proven_by_its_handshake(ChannelKind kind, bool byHandshake) =>
        Assert.Equal(byHandshake, ChannelOwnershipRules.ProvenByHandshake(kind));

    [Theory]
    [InlineData(ChannelKind.Chat)]  // ids we mint
    [InlineData(ChannelKind.Form)]
    public void Other_kinds_are_live_from_the_start(ChannelKind kind)
    {
        Assert.False(ChannelOwnershipRules.NeedsProof(kind));
        Assert.Equal(ChannelOwnership.Proven(ConnectedAt), ChannelOwnershipRules.AtConnection(kind, ConnectedAt));
    }

    [Fact]
    public void A_page_stored_before_ownership_was_recorded_counts_as_pending_since_its_connection()
    {
        var legacy = new Channel(PageChannelId, Messenger(), ConnectedAt);

        Assert.False(ChannelOwnershipRules.IsProven(legacy));
        Assert.False(ChannelOwnershipRules.IsPending(legacy, Expired));
        // So is an address of that time: e-mail was not ingested then, and an address must be proven like a new one.
        Assert.False(ChannelOwnershipRules.IsProven(new Channel(EmailChannelId, Email(), ConnectedAt)));
        Assert.True(ChannelOwnershipRules.IsProven(new Channel("form-1", new FormChannel { FormId = "contact" }, ConnectedAt)));
    }

    [Fact]
    public void A_pending_page_does_not_route_a_proven_one_does()
    {
        Assert.False(BindingRules.IsLive(PageBinding, InboxWithPage(Pending)));
        Assert.True(BindingRules.IsLive(PageBinding, InboxWithPage(Proven)));
        Assert.False(BindingRules.IsLive(PageBinding, null));
    }

    [Fact]
    public void A_pending_claim_holds_against_pending_claims_until_it_expires()
    {
        Assert.False(BindingRules.YieldsTo(PageBinding, InboxWithPage(Pending), Expired.AddTicks(-1), provenClaim: false));
        Assert.True(BindingRules.YieldsTo(PageBinding, InboxWithPage(Pending), Expired, provenClaim: false));
    }

    [Fact]
    public void A_pending_claim_never_blocks_a_proven_one_even_in_flight()
    {
        Assert.True(BindingRules.YieldsTo(PageBinding, InboxWithPage(Pending), PastLease, provenClaim: true));
        Assert.True(BindingRules.YieldsTo(PageBinding, null, ConnectedAt, provenClaim: true));
    }

    [Fact]
    public void A_proven_claim_holds_against_everyone_for_good()
    {
        var later = ConnectedAt.AddDays(400);
        Assert.False(BindingRules.YieldsTo(PageBinding, InboxWithPage(Proven), later, provenClaim: true));
        Assert.False(BindingRules.YieldsTo(PageBinding, InboxWithPage(Proven), later, provenClaim: false));
    }

    [Fact]
    public void A_page_token_is_named_by_account_and_channel_within_key_vaults_rules()
    {
        var name = SecretNames.MessengerPageToken("acct_1.x", PageChannelId);

        Assert.True(SecretNames.IsValid(name));
        Assert.StartsWith("messenger-page-", name);
        Assert.NotEqual(name, SecretNames.MessengerPageToken("acct-2", PageChannelId));
        Assert.NotEqual(name, SecretNames.MessengerPageToken("acct_1.x", "page-2"));
        // Joined naively, these two pairs would read alike.
        Assert.NotEqual(SecretNames.MessengerPageToken("a-b", "c"), SecretNames.MessengerPageToken("a", "b-c"));
    }
}
