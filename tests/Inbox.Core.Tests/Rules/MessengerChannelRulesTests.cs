using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class MessengerChannelRulesTests
{
    private static Validation Validate(ChannelSettings settings) => ChannelRules.Validate(settings, "new-1", AnInbox(), AcmeDirectory);

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
        Valid(Validate(Messenger() with { Greeting = new string('g', MessengerChannelRules.MaxGreetingLength) }));

    [Fact]
    public void Messenger_greeting_over_160_characters_is_refused() =>
        InvalidOn(Validate(Messenger() with { Greeting = new string('g', MessengerChannelRules.MaxGreetingLength + 1) }), "greeting");

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
            InstantReply = new InstantReply { Enabled = true, Text = new string('r', MessengerChannelRules.MaxMessengerText + 1) },
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
            Consent = new MessengerConsent { Mode = ConsentMode.Explicit, Text = new string('c', MessengerChannelRules.MaxMessengerText + 1) },
        }), "consent.text");

    [Fact]
    public void An_implicit_consent_text_must_fit_a_message() =>
        InvalidOn(Validate(Messenger() with { Consent = new MessengerConsent { Mode = ConsentMode.Implicit, Text = new string('x', 2_001) } }),
            "consent.text");
}
