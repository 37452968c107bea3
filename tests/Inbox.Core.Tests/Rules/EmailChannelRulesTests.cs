using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class EmailChannelRulesTests
{
    private static Validation Validate(EmailChannel email) => ChannelRules.Validate(email, "email-2", AnInbox(), AcmeDirectory);

    [Fact]
    public void Defaults_are_valid() => Valid(Validate(Email()));

    [Theory]
    [InlineData("help@acme.com")]
    [InlineData("Help.Desk+eu@support.acme.co.uk")]
    [InlineData(" help@acme.com ")]
    public void Address_is_accepted(string address) => Valid(Validate(Email(address)));

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("help@acme")]
    [InlineData("@acme.com")]
    [InlineData("Help <help@acme.com>")]
    [InlineData("help@acme.com, sales@acme.com")]
    public void Address_that_is_not_an_address_is_refused(string address) => InvalidOn(Validate(Email(address)), "address");

    [Theory]
    [InlineData("alice@acme.com")]
    [InlineData("ALICE@ACME.COM")]
    [InlineData("Alice@Acme.com")]
    [InlineData(" alice@acme.com ")]
    public void A_users_personal_address_is_refused_whatever_its_case(string address) =>
        InvalidOn(Validate(Email(address)), "address");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_company_name_is_refused(string company) =>
        InvalidOn(Validate(Email() with { FromName = new FromName { CompanyName = company } }), "fromName.companyName");

    [Theory]
    [InlineData(FromNameFormat.AgentAndCompany)]
    [InlineData(FromNameFormat.CompanyOnly)]
    public void No_from_name_at_all_is_available_for_Office365(FromNameFormat format) =>
        InvalidOn(Validate(Email() with
        {
            Provider = EmailProvider.Office365,
            FromName = new FromName { Format = format, CompanyName = "Acme" },
        }), "fromName");

    [Fact]
    public void Office365_without_a_from_name_is_accepted() =>
        Valid(Validate(Email() with { Provider = EmailProvider.Office365, FromName = null }));

    [Theory]
    [InlineData(EmailProvider.Gmail)]
    [InlineData(EmailProvider.Forwarding)]
    public void Gmail_and_forwarding_need_a_from_name(EmailProvider provider) =>
        InvalidOn(Validate(Email() with { Provider = provider, FromName = null }), "fromName");

    [Theory]
    [InlineData(EmailProvider.Gmail)]
    [InlineData(EmailProvider.Forwarding)]
    public void Agent_and_company_is_accepted_for_other_providers(EmailProvider provider) =>
        Valid(Validate(Email() with
        {
            Provider = provider,
            FromName = new FromName { Format = FromNameFormat.AgentAndCompany, CompanyName = "Acme" },
        }));

    [Theory]
    [InlineData("")]
    [InlineData("<p>The Acme team</p>")]
    [InlineData("<p>{{fullName}}</p>")]
    [InlineData("<p>{{firstName}} at Acme</p>")]
    [InlineData("{{ firstName }} / {{fullName}}")]
    [InlineData("Use { and } freely")]
    public void Signature_with_known_tokens_is_accepted(string signature) =>
        Valid(Validate(Email() with { Signature = signature }));

    [Theory]
    [InlineData("{{unknown}}")]
    [InlineData("<p>{{fullName}} {{lastName}}</p>")]
    [InlineData("{{FullName}}")]
    [InlineData("{{}}")]
    public void Signature_with_unknown_token_is_refused(string signature) =>
        InvalidOn(Validate(Email() with { Signature = signature }), "signature");

    [Fact]
    public void Signature_of_the_maximum_length_is_accepted() =>
        Valid(Validate(Email() with { Signature = new string('s', EmailChannelRules.MaxSignatureLength) }));

    [Fact]
    public void Signature_over_the_maximum_length_is_refused() =>
        InvalidOn(Validate(Email() with { Signature = new string('s', EmailChannelRules.MaxSignatureLength + 1) }), "signature");

    [Fact]
    public void Signature_tokens_are_extracted() =>
        Assert.Equal(["fullName", "firstName", "x"], EmailChannelRules.SignatureTokensIn("{{fullName}} {{ firstName }} {{x}}"));
}

public class EmailChannelSignatureTests
{
    [Fact]
    public void The_signature_is_filled_with_the_agents_names()
    {
        var filled = EmailChannelRules.FillSignature("<p>{{fullName}}</p><p>{{ firstName }}, Acme</p>", Alice);

        Assert.Equal("<p>Alice Martin</p><p>Alice, Acme</p>", filled);
    }

    [Fact]
    public void A_name_fills_the_signature_as_text_never_as_markup()
    {
        var mallory = Alice with { Name = "<img src=x onerror=alert(1)> Mallory" };

        var filled = EmailChannelRules.FillSignature("{{fullName}} / {{firstName}}", mallory);

        Assert.Equal("&lt;img src=x onerror=alert(1)&gt; Mallory / &lt;img", filled);
    }

    [Fact]
    public void Without_a_user_the_tokens_are_left_out() =>
        Assert.Equal("<p></p><p>Acme</p>", EmailChannelRules.FillSignature("<p>{{fullName}}</p><p>Acme</p>", null));
}
