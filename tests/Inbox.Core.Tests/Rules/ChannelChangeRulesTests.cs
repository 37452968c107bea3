using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class ChannelChangeRulesTests
{
    private const string ChannelId = "channel-1";

    private static Validation Change(ChannelSettings current, ChannelSettings next) =>
        ChannelChangeRules.Validate(current, next, ChannelId);

    public static TheoryData<ChannelSettings, ChannelSettings> KindChanges => new()
    {
        { Email(), Chat() },
        { Chat(), Email() },
        { Messenger(), Form() },
        { Form(), Messenger() },
        { Email(), Form("help@acme.com") },
    };

    [Theory]
    [MemberData(nameof(KindChanges))]
    public void Kind_cannot_change(ChannelSettings current, ChannelSettings next) => InvalidOn(Change(current, next), "kind");

    [Fact]
    public void Email_address_cannot_change() => InvalidOn(Change(Email("help@acme.com"), Email("sales@acme.com")), "address");

    [Fact]
    public void Messenger_page_cannot_change() => InvalidOn(Change(Messenger("111"), Messenger("222")), "pageId");

    [Fact]
    public void Form_id_cannot_change() => InvalidOn(Change(Form("a"), Form("b")), "formId");

    [Theory]
    [InlineData("HELP@ACME.COM")]
    [InlineData("Help@Acme.com")]
    [InlineData(" help@acme.com ")]
    public void Email_address_in_another_case_is_the_same_address(string address) =>
        Valid(Change(Email("help@acme.com"), Email(address)));

    [Fact]
    public void Email_settings_other_than_the_address_may_change() =>
        Valid(Change(Email(), Email() with
        {
            Provider = EmailProvider.Gmail,
            FromName = new FromName { CompanyName = "Acme Inc." },
            Signature = "{{fullName}}",
            LogForwardedEmailToOriginalSender = true,
            Routing = new Routing { CreateContacts = false },
        }));

    [Fact]
    public void Chat_settings_may_change() =>
        Valid(Change(Chat(), Chat() with { AccentColor = "#000000", WelcomeMessage = "Hello", Placement = WidgetPlacement.Left }));

    [Fact]
    public void Messenger_settings_other_than_the_page_may_change() =>
        Valid(Change(Messenger(), Messenger() with { PageName = "Acme Europe", Greeting = "Hi" }));

    [Fact]
    public void Form_routing_may_change() =>
        Valid(Change(Form(), Form() with { Routing = new Routing { Assignment = new Assignment { Mode = AssignmentMode.ContactOwner } } }));

    [Fact]
    public void Form_id_is_case_sensitive() => InvalidOn(Change(Form("Contact"), Form("contact")), "formId");
}
