using FsCheck.Xunit;
using InboxServerless.Core.Domain;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests;

public class IdentityTests
{
    // ---- ChannelBindingKey ----

    [Theory]
    [InlineData(ChannelKind.Email, "Help@Acme.COM", "email:help@acme.com")]
    [InlineData(ChannelKind.Chat, "Widget-AbC", "chat:Widget-AbC")]
    [InlineData(ChannelKind.Messenger, "1234567890", "messenger:1234567890")]
    [InlineData(ChannelKind.Form, "Contact-Form", "form:Contact-Form")]
    public void Binding_key_value_lower_cases_email_only(ChannelKind kind, string externalId, string expected)
    {
        var key = new ChannelBindingKey(kind, externalId);

        Assert.Equal(expected, key.Value);
        Assert.Equal(expected, key.ToString());
    }

    [Fact]
    public void Binding_key_of_each_channel()
    {
        Assert.Equal("email:help@acme.com", Email(" Help@Acme.com ").BindingKey("ignored").Value);
        Assert.Equal("chat:chat-XYZ", Chat().BindingKey("chat-XYZ").Value);
        Assert.Equal("messenger:42", Messenger("42").BindingKey("ignored").Value);
        Assert.Equal("form:f.1", Form("f.1").BindingKey("ignored").Value);
    }

    [Fact]
    public void Binding_key_of_a_channel_comes_from_its_settings()
    {
        var channel = new Channel("chat-7", Chat(), T0);

        Assert.Equal("chat:chat-7", channel.BindingKey.Value);
    }

    [Property]
    public bool Email_binding_keys_ignore_case(string local)
    {
        if (local is null || !local.All(char.IsAscii)) return true;
        var address = $"{local}@Acme.com";
        return new ChannelBindingKey(ChannelKind.Email, address.ToUpperInvariant()).Value ==
            new ChannelBindingKey(ChannelKind.Email, address.ToLowerInvariant()).Value;
    }

    // ---- StableId ----

    [Fact]
    public void Stable_id_is_deterministic() => Assert.Equal(StableId.From("a", "b"), StableId.From("a", "b"));

    [Fact]
    public void Stable_id_is_32_lower_case_hex_characters()
    {
        var id = StableId.From("contact", "acct-1", "email:x@y.com");

        Assert.Equal(32, id.Length);
        Assert.Matches("^[0-9a-f]{32}$", id);
    }

    [Theory]
    [InlineData("ab", "c", "a", "bc")]
    [InlineData("a", "b", "b", "a")]
    [InlineData("a", "", "", "a")]
    [InlineData("A", "b", "a", "b")]
    public void Stable_id_tells_parts_apart(string a1, string a2, string b1, string b2) =>
        Assert.NotEqual(StableId.From(a1, a2), StableId.From(b1, b2));

    /// <summary>Ids are stored (documents, queue message ids): the derivation must never change. Values from Python's hashlib.</summary>
    [Fact]
    public void Stable_id_is_the_first_half_of_the_sha256_of_the_parts_joined_by_unit_separators()
    {
        Assert.Equal("d3063f1b71094584b5efbd9dc94fd986", StableId.From("event", "messenger:1234", "Message", "m_é"));
        // Past the stack buffer: the same derivation from a rented one.
        Assert.Equal("caa7bff7af280112b53c97e14e252542", StableId.From(new string('x', 600), new string('ü', 100)));
    }

    [Fact]
    public void Stable_id_depends_on_the_number_of_parts() => Assert.NotEqual(StableId.From("a"), StableId.From("a", ""));

    [Property]
    public bool Stable_id_is_a_function_of_its_parts(string[] parts) =>
        parts.Any(p => p is null) || StableId.From(parts) == StableId.From([.. parts]);

    // ---- ContactKey ----

    [Fact]
    public void Email_contact_key_is_trimmed_and_lower_cased() =>
        Assert.Equal("email:jane.doe@example.com", ContactKey.Email("  Jane.Doe@Example.COM ").Value);

    [Fact]
    public void Messenger_contact_key_is_per_page() =>
        Assert.Equal("messenger:123:PSID-9", ContactKey.Messenger("123", "PSID-9").Value);

    [Fact]
    public void Chat_visitor_contact_key_is_per_widget() =>
        Assert.Equal("chat:chat-1:Visitor-7", ContactKey.ChatVisitor("chat-1", "Visitor-7").Value);

    [Fact]
    public void Same_person_on_two_pages_has_two_keys() =>
        Assert.NotEqual(ContactKey.Messenger("1", "p"), ContactKey.Messenger("2", "p"));

    [Fact]
    public void Contact_id_is_deterministic_and_per_account()
    {
        var key = ContactKey.Email("jane@example.com");

        Assert.Equal(key.ContactId("acct-1"), ContactKey.Email("JANE@example.com ").ContactId("acct-1"));
        Assert.NotEqual(key.ContactId("acct-1"), key.ContactId("acct-2"));
        Assert.NotEqual(key.ContactId("acct-1"), ContactKey.Email("john@example.com").ContactId("acct-1"));
    }

    // ---- Conversation, message and ticket ids ----

    [Fact]
    public void Conversation_id_is_deterministic_per_inbox_and_thread()
    {
        Assert.Equal(Conversation.IdFor("inbox-1", "thread-1"), Conversation.IdFor("inbox-1", "thread-1"));
        Assert.NotEqual(Conversation.IdFor("inbox-1", "thread-1"), Conversation.IdFor("inbox-2", "thread-1"));
        Assert.NotEqual(Conversation.IdFor("inbox-1", "thread-1"), Conversation.IdFor("inbox-1", "thread-2"));
    }

    [Fact]
    public void Message_id_is_deterministic_per_channel_kind_and_external_id()
    {
        Assert.Equal(Message.IdFor(ChannelKind.Email, "<m1@acme.com>"), Message.IdFor(ChannelKind.Email, "<m1@acme.com>"));
        Assert.NotEqual(Message.IdFor(ChannelKind.Email, "m1"), Message.IdFor(ChannelKind.Messenger, "m1"));
        Assert.NotEqual(Message.IdFor(ChannelKind.Email, "m1"), Message.IdFor(ChannelKind.Email, "m2"));
    }

    [Fact]
    public void Ticket_id_is_deterministic_per_conversation()
    {
        Assert.Equal(Ticket.IdFor("c1"), Ticket.IdFor("c1"));
        Assert.NotEqual(Ticket.IdFor("c1"), Ticket.IdFor("c2"));
    }

    [Fact]
    public void Ids_of_different_things_never_collide_on_the_same_natural_key()
    {
        string[] ids = [Conversation.IdFor("x", "y"), Ticket.IdFor("x"), Message.IdFor(ChannelKind.Chat, "x"), StableId.From("x")];

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    // ---- Inbox ----

    [Fact]
    public void Inbox_name_key_ignores_case_and_surrounding_spaces() =>
        Assert.Equal(Inbox.NameKey("Support"), Inbox.NameKey("  SUPPORT "));

    [Fact]
    public void Inbox_create_trims_the_name() =>
        Assert.Equal("Support", Inbox.Create("i", "a", new InboxSettings { Name = "  Support " }, T0).Name);

    [Fact]
    public void User_first_name_is_the_first_word()
    {
        Assert.Equal("Alice", Alice.FirstName);
        Assert.Equal("Cher", (Alice with { Name = "Cher" }).FirstName);
    }
}
