using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class FormChannelRulesTests
{
    private static Validation Validate(ChannelSettings settings) => ChannelRules.Validate(settings, "new-1", AnInbox(), AcmeDirectory);

    [Theory]
    [InlineData("contact-form")]
    [InlineData("Form_v1.2")]
    [InlineData("a")]
    [InlineData("0123456789")]
    public void Form_id_of_letters_digits_dash_underscore_dot_is_accepted(string formId) => Valid(Validate(Form(formId)));

    [Fact]
    public void Form_id_of_128_characters_is_accepted() => Valid(Validate(Form(new string('f', 128))));

    [Theory]
    [InlineData("")]
    [InlineData("contact form")]
    [InlineData("contact/form")]
    [InlineData("formulaire-é")]
    [InlineData("form:1")]
    public void Form_id_with_other_characters_is_refused(string formId) => InvalidOn(Validate(Form(formId)), "formId");

    [Fact]
    public void Form_id_over_128_characters_is_refused() => InvalidOn(Validate(Form(new string('f', 129))), "formId");
}
