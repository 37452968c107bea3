using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class ForwardedEmailRulesTests
{
    private static readonly InboundSender Jo = new("jo@customer.test", "Jo Customer", "jo@customer.test");
    private static readonly InboundSender AliceSending = new("alice@acme.com", "Alice Martin", "alice@acme.com");
    private static readonly EmailChannel Logging = TestData.Email() with { LogForwardedEmailToOriginalSender = true };

    [Theory]
    // Gmail (its text part bolds the labels), Outlook, Apple Mail, Thunderbird, and a forward quoted in a reply.
    [InlineData("FYI\n\n---------- Forwarded message ---------\nFrom: *Jo Customer* <jo@customer.test>\nDate: Tue, Nov 24, 2026\nSubject: Order\nTo: <alice@acme.com>\n\nThe box was crushed.")]
    [InlineData("FYI\r\n\r\n-----Original Message-----\r\nFrom: Jo Customer [mailto:jo@customer.test]\r\nSent: Tuesday, November 24, 2026 6:02 PM\r\nTo: Alice\r\nSubject: Order\r\n")]
    [InlineData("FYI\n\nBegin forwarded message:\n\nFrom: \"Jo Customer\" <jo@customer.test>\nSubject: Order\n")]
    [InlineData("-------- Forwarded Message --------\nSubject: Order\nDate: Tue, 24 Nov 2026\nFrom: Jo Customer <jo@customer.test>\n")]
    [InlineData("Thanks!\n> ---------- Forwarded message ---------\n> From: Jo Customer <jo@customer.test>\n")]
    public void The_forwarded_header_block_of_each_mail_client_names_the_original_sender(string text) =>
        Assert.Equal(Jo, ForwardedEmailRules.OriginalSender(text));

    [Fact]
    public void A_bare_address_is_a_sender_without_a_name() =>
        Assert.Equal(new InboundSender("jo@customer.test", null, "jo@customer.test"),
            ForwardedEmailRules.OriginalSender("---------- Forwarded message ---------\nFrom: jo@customer.test\n"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Hello,\nFrom: Jo Customer <jo@customer.test>\nThat is who I am.")] // a From: line with no marker above it
    [InlineData("---------- Forwarded message ---------\nDate: Tue\nSubject: no sender here\n\n\n\n\n\n\n\nFrom: jo@customer.test")] // too far below
    [InlineData("---------- Forwarded message ---------\nFrom: Jo Customer <not an address>\n")]
    [InlineData("-----Original Message-----\nFrom: Jo Customer\n")]
    [InlineData("--- Some other block ---\nFrom: jo@customer.test\n")]
    public void Without_a_forwarded_block_naming_an_address_there_is_no_original_sender(string? text) =>
        Assert.Null(ForwardedEmailRules.OriginalSender(text));

    [Fact]
    public void An_agents_forward_is_logged_to_the_original_sender_when_the_channel_says_so()
    {
        Assert.Equal(Jo, ForwardedEmailRules.LoggedSender(Logging, AliceSending, Jo, TestData.AcmeDirectory));
        // Addresses compare without regard to case, as mail does.
        Assert.Equal(Jo, ForwardedEmailRules.LoggedSender(Logging, AliceSending with { Email = "ALICE@acme.com" }, Jo, TestData.AcmeDirectory));
    }

    [Fact]
    public void Otherwise_the_message_stays_with_whoever_sent_it()
    {
        var customer = new InboundSender("ana@customer.test", "Ana", "ana@customer.test");

        // The channel does not log forwards to their original sender.
        Assert.Equal(AliceSending, ForwardedEmailRules.LoggedSender(TestData.Email(), AliceSending, Jo, TestData.AcmeDirectory));
        // Not a forward.
        Assert.Equal(AliceSending, ForwardedEmailRules.LoggedSender(Logging, AliceSending, null, TestData.AcmeDirectory));
        // A customer forwarding someone else's mail is the customer's message.
        Assert.Equal(customer, ForwardedEmailRules.LoggedSender(Logging, customer, Jo, TestData.AcmeDirectory));
        // An agent forwarding their own mail, or mail from the inbox's own address.
        Assert.Equal(AliceSending, ForwardedEmailRules.LoggedSender(Logging, AliceSending, AliceSending, TestData.AcmeDirectory));
        var fromInbox = new InboundSender(Logging.Address, null, Logging.Address);
        Assert.Equal(AliceSending, ForwardedEmailRules.LoggedSender(Logging, AliceSending, fromInbox, TestData.AcmeDirectory));
    }
}
