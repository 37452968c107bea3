using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class SenderAddressRulesTests
{
    private const string Sender = "DoNotReply@0a1b2c3d.azurecomm.net";
    private static readonly string[] Verified = ["contoso.com"];

    private static OutgoingMail Reply(string from) => new("sam@customer.example", "Re: Order", "Thanks") { From = from, FromName = "Jane Doe at Contoso" };

    [Fact]
    public void A_team_address_of_a_verified_domain_is_the_sender_and_needs_no_reply_to()
    {
        var mail = SenderAddressRules.Choose(Reply("support@Contoso.com"), Sender, Verified);

        Assert.Equal("support@Contoso.com", mail.From);
        Assert.Equal("Jane Doe at Contoso", mail.FromName);
        Assert.Null(mail.ReplyTo);
    }

    [Fact]
    public void Any_other_team_address_becomes_the_reply_to_of_the_deployments_sender_with_its_name()
    {
        var mail = SenderAddressRules.Choose(Reply("help@fabrikam.example"), Sender, Verified);

        Assert.Equal(Sender, mail.From);
        Assert.Equal("help@fabrikam.example", mail.ReplyTo);
        Assert.Equal("Jane Doe at Contoso", mail.ReplyToName);
    }

    [Fact]
    public void A_subdomain_is_not_its_parent_domain()
    {
        Assert.Equal(Sender, SenderAddressRules.Choose(Reply("help@mail.contoso.com"), Sender, Verified).From);
        Assert.False(SenderAddressRules.IsVerified("help@evilcontoso.com", Verified));
        Assert.False(SenderAddressRules.IsVerified("contoso.com", Verified));
        Assert.True(SenderAddressRules.IsVerified("a@contoso.com", ["@contoso.com"]));
    }

    [Fact]
    public void The_products_own_mail_leaves_from_the_sender_address()
    {
        var mail = SenderAddressRules.Choose(new OutgoingMail("leads@acme.test", "Unassigned conversation", "text"), Sender, Verified);

        Assert.Equal(Sender, mail.From);
        Assert.Null(mail.ReplyTo);
    }

    [Fact]
    public void A_reply_to_the_mail_already_has_is_kept()
    {
        var mail = SenderAddressRules.Choose(Reply("help@fabrikam.example") with { ReplyTo = "desk@fabrikam.example", ReplyToName = "Desk" }, Sender, Verified);

        Assert.Equal(Sender, mail.From);
        Assert.Equal("desk@fabrikam.example", mail.ReplyTo);
        Assert.Equal("Desk", mail.ReplyToName);
    }

    [Fact]
    public void Choosing_twice_is_choosing_once()
    {
        var once = SenderAddressRules.Choose(Reply("help@fabrikam.example"), Sender, Verified);

        Assert.Equal(once, SenderAddressRules.Choose(once, Sender, Verified));
    }
}
