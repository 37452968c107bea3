using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

public class ReplyMailRulesTests
{
    private static EmailChannel Channel(FromNameFormat format, EmailProvider provider = EmailProvider.Gmail) =>
        Email() with { Provider = provider, FromName = new FromName { Format = format, CompanyName = " Acme " } };

    [Fact]
    public void Agent_and_company_names_the_replying_agent_at_the_company() =>
        Assert.Equal("Alice Martin at Acme", ReplyMailRules.FromName(Channel(FromNameFormat.AgentAndCompany), Alice));

    [Fact]
    public void Company_only_names_the_company_whoever_replies() =>
        Assert.Equal("Acme", ReplyMailRules.FromName(Channel(FromNameFormat.CompanyOnly), Alice));

    [Fact]
    public void Agent_and_company_without_a_known_agent_is_the_company() =>
        Assert.Equal("Acme", ReplyMailRules.FromName(Channel(FromNameFormat.AgentAndCompany), null));

    [Fact]
    public void Office_365_sends_as_the_mailbox_with_no_from_name() =>
        Assert.Null(ReplyMailRules.FromName(Channel(FromNameFormat.AgentAndCompany, EmailProvider.Office365), Alice));

    [Theory]
    [InlineData("Order 42", "Re: Order 42")]
    [InlineData("Re: Order 42", "Re: Order 42")]
    [InlineData("RE: re:Order 42", "Re: Order 42")]
    [InlineData("  ", "Re: (no subject)")]
    [InlineData(null, "Re: (no subject)")]
    [InlineData("Rebate", "Re: Rebate")]
    public void The_subject_answers_the_conversations_once(string? subject, string expected) =>
        Assert.Equal(expected, ReplyMailRules.Subject(subject));

    [Fact]
    public void The_text_becomes_encoded_html_with_its_line_breaks_and_the_signature_after_it() =>
        Assert.Equal("<div>1 &lt; 2<br>\n&amp; so on</div>\n<br>\n<div><b>Alice</b></div>", ReplyMailRules.Html("1 < 2\r\n& so on", "<b>Alice</b>"));

    [Fact]
    public void Without_a_signature_the_html_is_the_text_alone() =>
        Assert.Equal("<div>Hi</div>", ReplyMailRules.Html("Hi", " "));

    [Fact]
    public void The_text_alternative_carries_the_signature_after_the_usual_separator()
    {
        Assert.Equal("Hi\n\n-- \nAlice Martin", ReplyMailRules.PlainText("Hi", "Alice Martin\n"));
        Assert.Equal("Hi", ReplyMailRules.PlainText("Hi", ""));
    }

    [Theory]
    [InlineData("help@Acme.com", "<abc@acme.com>")]
    [InlineData("broken", "<abc@inbox.invalid>")]
    public void Our_message_id_is_at_the_team_addresss_domain(string address, string expected) =>
        Assert.Equal(expected, ReplyMailRules.MessageId("abc", address));

    private static Message Mail(string id, MessageDirection direction, int minutes, string? externalId = null) =>
        new(id, InboxId, "conv-1", externalId ?? $"<{id}@mail>", direction, null, "text", null, [], T0.AddMinutes(minutes));

    [Fact]
    public void A_reply_answers_the_newest_message_of_the_contact_and_references_the_thread_oldest_first()
    {
        var (inReplyTo, references) = ReplyMailRules.Thread(
        [
            Mail("c", MessageDirection.Outgoing, 20),
            Mail("a", MessageDirection.Incoming, 0),
            Mail("b", MessageDirection.Incoming, 10),
            Mail("chat", MessageDirection.Incoming, 30, externalId: "mid.123"), // not a message id
            Mail("reply", MessageDirection.Outgoing, 40),
        ], replyId: "reply");

        Assert.Equal("<b@mail>", inReplyTo);
        Assert.Equal(["<a@mail>", "<b@mail>", "<c@mail>"], references);
    }

    [Fact]
    public void A_long_thread_keeps_its_first_message_and_the_newest_ones()
    {
        var messages = Enumerable.Range(0, 30).Select(i => Mail($"m{i}", MessageDirection.Incoming, i)).ToList();

        var (inReplyTo, references) = ReplyMailRules.Thread(messages, replyId: "none");

        Assert.Equal("<m29@mail>", inReplyTo);
        Assert.Equal(ReplyMailRules.MaxReferences, references.Count);
        Assert.Equal(["<m0@mail>", "<m11@mail>"], references.Take(2));
        Assert.Equal("<m29@mail>", references[^1]);
    }

    [Fact]
    public void A_thread_with_nothing_from_the_contact_answers_nothing() =>
        Assert.Null(ReplyMailRules.Thread([Mail("c", MessageDirection.Outgoing, 0)], "x").InReplyTo);
}
