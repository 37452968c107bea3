using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("Ｓｕｐｐｏｒｔ １９")]
    [InlineData("Sup\u200Bport 19")]
    [InlineData("Support\u200D 19")]
    [InlineData("Support\u00A019")]
    [InlineData("Support\u200319")]
    [InlineData("Support 19\u0301")]
    [InlineData("Support\u0301 19")]
    [InlineData("\uFEFFSupport 19")]
    [InlineData("Support\u200F 19")]
    [InlineData("  SUPPORT \t  19 ")]
    public void Look_alikes_share_the_key(string lookAlike) => Assert.Equal(NameRules.Key("Support 19"), NameRules.Key(lookAlike));

    [Fact]
    public void A_plain_name_keeps_the_key_it_had() => Assert.Equal("SUPPORT 19", NameRules.Key(" Support 19 "));

    [Theory]
    [InlineData("Cafe", "Café")]          // a composed letter is another letter
    [InlineData("Support 19", "Support 18")]
    [InlineData("ไปรษณีย์", "ไปรษณีย")]    // a Thai mark makes another word
    public void Different_names_keep_different_keys(string a, string b) => Assert.NotEqual(NameRules.Key(a), NameRules.Key(b));

    [Fact]
    public void An_accent_composes_before_comparing() => Assert.Equal(NameRules.Key("Café"), NameRules.Key("Cafe\u0301"));

    [Theory]
    [InlineData("\u0000")]
    [InlineData("\u001B")]
    [InlineData("\r\n")]
    [InlineData("\u007F")]
    [InlineData("\u202E")]
    [InlineData("\u2066")]
    [InlineData("\u2069")]
    public void Control_characters_and_bidi_overrides_are_refused_naming_the_field(string control)
    {
        var name = "Evil" + control;

        Assert.Contains(InboxRules.Validate(new InboxSettings { Name = name }, AccountDirectory.Empty).Errors, e => e.Field == "name");
        Assert.Contains(DirectoryRules.Validate(new UserSettings(name, "eve@example.com")).Errors, e => e.Field == "name");
        Assert.Contains(DirectoryRules.Validate(new TeamSettings(name, []), AccountDirectory.Empty).Errors, e => e.Field == "name");
    }

    [Theory]
    [InlineData("Support\u200E")] // a direction mark is dropped from the key, not refused
    [InlineData("Zoë")]
    public void Other_names_are_accepted(string name) =>
        Assert.True(InboxRules.Validate(new InboxSettings { Name = name }, AccountDirectory.Empty).IsValid);

    [Fact]
    public void A_name_of_format_characters_only_is_empty() =>
        Assert.Contains(InboxRules.Validate(new InboxSettings { Name = "\u200B\u200B" }, AccountDirectory.Empty).Errors, e => e.Field == "name");
}
