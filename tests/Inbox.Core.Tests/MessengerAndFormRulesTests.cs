using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests;

public class MessengerAndFormRulesTests
{
    private static Validation Validate(ChannelSettings settings) => ChannelRules.Validate(settings, "new-1", AnInbox(), AcmeDirectory);

    // ---- messenger ----

    [Fact]
    public void Messenger_defaults_are_valid() => Valid(Validate(Messenger()));

    [Fact]
    public void Messenger_page_id_of_32_digits_is_accepted() => Valid(Validate(Messenger(new string('7', 32))));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("123abc")]
    [InlineData("12 34")]
    [InlineData("-123")]
    [InlineData("１２３")]
    [InlineData("123456789012345678901234567890123")]
    public void Messenger_page_id_other_than_digits_is_refused(string pageId) =>
        InvalidOn(Validate(Messenger(pageId)), "pageId");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Messenger_page_name_is_required(string name) =>
        InvalidOn(Validate(Messenger() with { PageName = name }), "pageName");

    [Fact]
    public void Messenger_page_name_over_200_characters_is_refused() =>
        InvalidOn(Validate(Messenger() with { PageName = new string('p', 201) }), "pageName");

    [Fact]
    public void Messenger_greeting_of_160_characters_is_accepted() =>
        Valid(Validate(Messenger() with { Greeting = new string('g', ChannelRules.MaxGreetingLength) }));

    [Fact]
    public void Messenger_greeting_over_160_characters_is_refused() =>
        InvalidOn(Validate(Messenger() with { Greeting = new string('g', ChannelRules.MaxGreetingLength + 1) }), "greeting");

    [Fact]
    public void Messenger_instant_reply_with_text_is_valid() =>
        Valid(Validate(Messenger() with { InstantReply = new InstantReply { Enabled = true, Text = "Thanks, we'll be right back." } }));

    [Fact]
    public void Messenger_disabled_instant_reply_needs_no_text() =>
        Valid(Validate(Messenger() with { InstantReply = new InstantReply { Enabled = false } }));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Messenger_enabled_instant_reply_needs_text(string? text) =>
        InvalidOn(Validate(Messenger() with { InstantReply = new InstantReply { Enabled = true, Text = text } }), "instantReply.text");

    [Fact]
    public void Messenger_instant_reply_over_2000_characters_is_refused() =>
        InvalidOn(Validate(Messenger() with
        {
            InstantReply = new InstantReply { Enabled = true, Text = new string('r', ChannelRules.MaxMessengerText + 1) },
        }), "instantReply.text");

    [Fact]
    public void Messenger_explicit_consent_with_text_is_valid() =>
        Valid(Validate(Messenger() with { Consent = new MessengerConsent { Mode = ConsentMode.Explicit, Text = "May we keep your data?" } }));

    [Fact]
    public void Messenger_implicit_consent_needs_no_text() =>
        Valid(Validate(Messenger() with { Consent = new MessengerConsent { Mode = ConsentMode.Implicit } }));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void Messenger_explicit_consent_needs_text(string? text) =>
        InvalidOn(Validate(Messenger() with { Consent = new MessengerConsent { Mode = ConsentMode.Explicit, Text = text } }), "consent.text");

    [Fact]
    public void Messenger_explicit_consent_over_2000_characters_is_refused() =>
        InvalidOn(Validate(Messenger() with
        {
            Consent = new MessengerConsent { Mode = ConsentMode.Explicit, Text = new string('c', ChannelRules.MaxMessengerText + 1) },
        }), "consent.text");

    // ---- form ----

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

    [Fact]
    public void A_greeting_is_the_instant_reply_then_the_explicit_question_with_buttons_or_the_implicit_notice()
    {
        var page = new MessengerChannel
        {
            PageId = "1", PageName = "Acme", InstantReply = new InstantReply { Enabled = true, Text = "Thanks!" },
            Consent = new MessengerConsent { Mode = ConsentMode.Explicit, Text = "May we?" },
        };

        var explicitly = MessengerGreeting.Of(page)!.Messages().ToList();
        var implicitly = MessengerGreeting.Of(page with { Consent = new MessengerConsent { Mode = ConsentMode.Implicit, Text = "By writing you agree." } })!
            .Messages().ToList();
        var noReply = MessengerGreeting.Of(page with
        {
            InstantReply = new InstantReply(), Consent = new MessengerConsent { Mode = ConsentMode.Implicit, Text = "By writing you agree." },
        });

        Assert.Equal(["Thanks!", "May we?"], explicitly.Select(m => m.Text));
        Assert.Null(explicitly[0].QuickReplies);
        Assert.Equal(["Yes=CONSENT_YES", "No=CONSENT_NO"], explicitly[1].QuickReplies!.Select(q => $"{q.Title}={q.Payload}"));
        Assert.Equal(["Thanks!", "By writing you agree."], implicitly.Select(m => m.Text));
        Assert.All(implicitly, m => Assert.Null(m.QuickReplies));
        Assert.Null(noReply); // the implicit notice is shown with the instant reply, not alone
    }

    [Fact]
    public void An_implicit_consent_text_must_fit_a_message() =>
        InvalidOn(Validate(Messenger() with { Consent = new MessengerConsent { Mode = ConsentMode.Implicit, Text = new string('x', 2_001) } }),
            "consent.text");
}
