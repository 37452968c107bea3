using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Application.Routing.Activities;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application.Routing.Activities;

/// <summary>An unknown e-mail sender becomes a contact, by address, when the channel makes contacts; only then.</summary>
public sealed class FindOrCreateContactTests
{
    private readonly Mock<IContactStore> contacts = new();
    private readonly FakeTimeProvider clock = new(TestData.T0);

    private static readonly InboundEvent FromJo = new()
    {
        Channel = ChannelKind.Email,
        Type = InboundEventType.Message,
        BindingKey = "email:help@acme.com",
        ExternalId = "<m-1@customer.test>",
        Sender = new InboundSender("Jo@Customer.test", "Jo Customer", "Jo@Customer.test"),
        SentAt = TestData.T0,
        ReceivedAt = TestData.T0,
    };

    private static RouteRequest To(bool createContacts) => new(FromJo, new RouteTarget(
        TestData.AccountId, TestData.InboxId, "Support", TestData.EmailChannelId, ChannelKind.Email, "help@acme.com",
        new Domain.Routing { CreateContacts = createContacts }, new InboxNotifications()));

    private static readonly string JoId = ContactKey.Email("jo@customer.test").ContactId(TestData.AccountId);

    [Fact]
    public async Task An_unknown_sender_becomes_a_contact_with_its_address_and_name()
    {
        contacts.Setup(s => s.CreateOrGet(It.IsAny<Contact>(), It.IsAny<CancellationToken>())).ReturnsAsync((Contact c, CancellationToken _) => c);

        var id = await new FindOrCreateContact(contacts.Object, clock).Run(To(createContacts: true), default);

        Assert.Equal(JoId, id);
        contacts.Verify(s => s.CreateOrGet(It.Is<Contact>(c => c.Id == JoId && c.Email == "Jo@Customer.test" && c.Name == "Jo Customer"
            && c.Keys.SequenceEqual(new[] { "email:jo@customer.test" }) && c.CreatedAt == TestData.T0), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task On_a_channel_that_makes_no_contacts_an_unknown_sender_stays_unknown()
    {
        Assert.Null(await new FindOrCreateContact(contacts.Object, clock).Run(To(createContacts: false), default));

        contacts.Verify(s => s.CreateOrGet(It.IsAny<Contact>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_known_sender_is_found_whatever_the_channel_says()
    {
        contacts.Setup(s => s.Find(TestData.AccountId, JoId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Contact(JoId, TestData.AccountId, ["email:jo@customer.test"], "jo@customer.test", "Jo", null, TestData.T0));

        Assert.Equal(JoId, await new FindOrCreateContact(contacts.Object, clock).Run(To(createContacts: false), default));
    }
}
