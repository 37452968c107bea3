using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class ThreadRulesTests
{
    private static InboundEvent Event(ChannelKind channel, ThreadHints? thread = null, string sender = "s1", string externalId = "x1") => new()
    {
        Channel = channel,
        Type = InboundEventType.Message,
        BindingKey = "k",
        ExternalId = externalId,
        Sender = new InboundSender(sender, Email: channel == ChannelKind.Email ? "Jo@Customer.test" : null),
        Thread = thread ?? new ThreadHints(),
        SentAt = DateTimeOffset.UnixEpoch,
        ReceivedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Messenger_threads_by_sender_chat_by_session_forms_by_submission()
    {
        Assert.Equal("messenger:s1", ThreadRules.ThreadKey(Event(ChannelKind.Messenger)));
        Assert.Equal("chat:sess", ThreadRules.ThreadKey(Event(ChannelKind.Chat, new ThreadHints { SessionId = "sess" })));
        Assert.Equal("form:x1", ThreadRules.ThreadKey(Event(ChannelKind.Form)));
    }

    [Fact]
    public void Email_threads_by_the_providers_conversation_else_by_what_it_answers()
    {
        var graph = Event(ChannelKind.Email, new ThreadHints { ConversationId = "AAQk=", InReplyTo = "<a>" });
        var reply = Event(ChannelKind.Email, new ThreadHints { InReplyTo = "<b>", References = ["<root>", "<a>", "<b>"] });

        Assert.Equal("email:conversation:AAQk=", ThreadRules.ThreadKey(graph));
        Assert.Equal(["<a>"], ThreadRules.EmailReferences(graph)); // answers are joined whatever the provider
        Assert.Equal(["<b>", "<a>", "<root>"], ThreadRules.EmailReferences(reply));
        Assert.Equal("email:message:x1", ThreadRules.ThreadKey(reply));
    }

    [Fact]
    public void Contacts_are_keyed_by_address_or_by_page_scoped_id()
    {
        Assert.Equal(ContactKey.Email("jo@customer.test"), ThreadRules.ContactKeyOf(Event(ChannelKind.Email), "support@acme.test"));
        Assert.Equal(ContactKey.Messenger("page-1", "s1"), ThreadRules.ContactKeyOf(Event(ChannelKind.Messenger), "page-1"));
        Assert.Equal(ContactKey.ChatVisitor("widget", "s1"), ThreadRules.ContactKeyOf(Event(ChannelKind.Chat), "widget"));
    }

    [Fact]
    public void An_event_keeps_its_queue_identity_and_session_whatever_else_changes()
    {
        var e = Event(ChannelKind.Messenger);

        Assert.Equal(e.MessageId, (e with { ReceivedAt = DateTimeOffset.UtcNow }).MessageId);
        Assert.NotEqual(e.MessageId, (e with { ExternalId = "x2" }).MessageId);
        Assert.Equal(e.SessionKey, (e with { ExternalId = "x2" }).SessionKey);
        Assert.NotEqual(e.SessionKey, (e with { Sender = new InboundSender("s2") }).SessionKey);
    }
}
