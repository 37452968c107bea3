using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public class ForwardingRulesTests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_secret_matches_its_hash_only()
    {
        var hash = ForwardingRules.Hash("s3cret-value");

        Assert.Equal(64, hash.Length);
        Assert.True(ForwardingRules.Matches("s3cret-value", hash));
        Assert.False(ForwardingRules.Matches("s3cret-valuE", hash));
        Assert.False(ForwardingRules.Matches("", hash));
        Assert.False(ForwardingRules.Matches(null, hash));
        Assert.False(ForwardingRules.Matches("s3cret-value", null));
    }

    [Theory]
    [InlineData("Verify help@acme.com for your shared inbox: inbox-verify-0123456789abcdef0123", "0123456789abcdef0123")]
    [InlineData("Fwd: Verify: INBOX-VERIFY-0123456789ABCDEF0123", "0123456789abcdef0123")]
    [InlineData("Re: [inbox-verify-0123456789abcdef0123] thanks", "0123456789abcdef0123")]
    public void The_code_is_found_in_a_subject_wherever_a_reply_or_forward_puts_it(string subject, string code) =>
        Assert.Equal(code, ForwardingRules.CodeIn(subject));

    [Theory]
    [InlineData(null)]
    [InlineData("Order 4711")]
    [InlineData("inbox-verify-0123456789abcdef012")]    // too short
    [InlineData("inbox-verify-0123456789abcdef01234")]  // too long
    [InlineData("inbox-verify-0123456789abcdef012z")]   // not hex
    public void Other_subjects_carry_no_code(string? subject) => Assert.Null(ForwardingRules.CodeIn(subject));

    [Fact]
    public void A_code_proves_the_address_for_7_days()
    {
        Assert.True(ForwardingRules.IsCodeLive(IssuedAt, IssuedAt));
        Assert.True(ForwardingRules.IsCodeLive(IssuedAt, IssuedAt.AddDays(7).AddTicks(-1)));
        Assert.False(ForwardingRules.IsCodeLive(IssuedAt, IssuedAt.AddDays(7)));
        Assert.False(ForwardingRules.IsCodeLive(IssuedAt, IssuedAt.AddMinutes(-1)));
    }
}
