using System.Net;
using InboxServerless.Azure.Email.Acs;
using InboxServerless.Azure.Notifications;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Application.Routing.Activities;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace InboxServerless.Azure.Tests.Email.Acs;

/// <summary>The product's mail through ACS: who it is from, forwarding replies, and the notices reaching the ACS fake.</summary>
public sealed class AcsMailSenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private const string Sender = "DoNotReply@0a1b2c3d.azurecomm.net";
    private readonly FakeTimeProvider clock = new(Now);
    private readonly FakeAcs acs;
    private readonly AcsEmailOptions options;

    public AcsMailSenderTests()
    {
        // Finished at once: these tests are about what is sent, the polling is AcsEmailClientTests'.
        acs = new FakeAcs(clock) { Statuses = ["Succeeded"] };
        options = acs.Options();
    }

    private AcsMailSender Sender_() => new(new AcsEmailClient(options, clock, transport: acs.Transport), options, NullLogger<AcsMailSender>.Instance);

    private static OutgoingMail Reply(string from) => new("sam@customer.example", "Re: Order 42", "Thanks") { From = from, FromName = "Jane Doe at Contoso", MessageId = "<r1@x>" };

    [Fact]
    public async Task A_team_address_of_a_verified_domain_is_the_sender()
    {
        await Sender_().Send(Reply("support@contoso.com"), default);

        var email = Assert.Single(acs.Emails);
        Assert.Equal("support@contoso.com", email["senderAddress"]!.GetValue<string>());
        Assert.Null(email["replyTo"]);
    }

    [Fact]
    public async Task Another_team_address_is_the_reply_to_of_the_deployments_sender_with_the_from_name()
    {
        await Sender_().Send(Reply("help@fabrikam.example"), default);

        var email = Assert.Single(acs.Emails);
        Assert.Equal(Sender, email["senderAddress"]!.GetValue<string>());
        Assert.Equal("""[{"address":"help@fabrikam.example","displayName":"Jane Doe at Contoso"}]""", email["replyTo"]!.ToJsonString());
    }

    [Fact]
    public async Task A_forwarding_reply_is_sent_once_accepted_and_refused_with_acs_reason()
    {
        var channel = new EmailChannel { Provider = EmailProvider.Forwarding, Address = "help@fabrikam.example" };
        var replies = new ForwardingReplySender(Sender_());

        var sent = await replies.Send(new ChannelMail("acct", "ch", channel, Reply("help@fabrikam.example"), null, 1), default);
        acs.AnswerNextSend(HttpStatusCode.BadRequest, errorCode: "InvalidRecipient");
        var refused = await replies.Send(new ChannelMail("acct", "ch", channel, Reply("help@fabrikam.example") with { MessageId = "<r2@x>" }, null, 1), default);

        Assert.Equal(new MailSendResult.Sent("<r1@x>"), sent);
        Assert.Contains("InvalidRecipient", Assert.IsType<MailSendResult.Refused>(refused).Reason);
        Assert.Equal(EmailProvider.Forwarding, replies.Provider);
    }

    [Fact]
    public async Task The_outbox_shows_the_sender_and_reply_to_acs_would_use_and_keeps_the_from_name()
    {
        var outbox = new OutboxMailSender(options, clock);

        await new ForwardingReplySender(outbox).Send(new ChannelMail("acct", "ch",
            new EmailChannel { Provider = EmailProvider.Forwarding, Address = "help@fabrikam.example" }, Reply("help@fabrikam.example"), null, 1), default);

        var kept = Assert.Single(outbox.Sent);
        Assert.Equal((Sender, "Jane Doe at Contoso", "help@fabrikam.example", "Jane Doe at Contoso"), (kept.From, kept.FromName, kept.ReplyTo, kept.ReplyToName));
        Assert.Equal(Now.ToString("R"), kept.Headers["Date"]);
    }

    [Fact]
    public async Task Without_a_resource_the_function_apps_sender_refuses_saying_what_to_configure()
    {
        var refused = await Assert.ThrowsAsync<MailRefusedException>(() =>
            new UnconfiguredMailSender(NullLogger<UnconfiguredMailSender>.Instance).Send(Reply("help@fabrikam.example"), default));

        Assert.Contains("not configured (Email:Acs)", refused.Message);
    }

    [Fact]
    public async Task The_unassigned_conversation_notice_reaches_acs_from_the_deployments_sender()
    {
        var conversation = new Conversation
        {
            Id = "c1", AccountId = "acct", InboxId = "inbox-1", ChannelId = "ch", ChannelKind = ChannelKind.Email, ThreadKey = "t",
            SenderId = "sam@customer.example", CreatedAt = Now, LastMessageAt = Now,
        };
        var store = new Mock<IConversationStore>();
        store.Setup(s => s.Find("inbox-1", "c1", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Conversation>(conversation, "e1"));
        store.Setup(s => s.Replace(It.IsAny<Conversation>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Conversation c, string _, CancellationToken _) => new Versioned<Conversation>(c, "e2"));
        var target = new RouteTarget("acct", "inbox-1", "Support", "ch", ChannelKind.Email, "help@fabrikam.example", new Routing(),
            new InboxNotifications { FallbackEmail = "leads@acme.test" });
        var notify = new NotifyUnassigned(store.Object, Sender_(), Mock.Of<ISlackNotifier>(), Mock.Of<ISecretStore>(), clock);

        Assert.True(await notify.Run(new ConversationRef(target, "c1"), default));

        var email = Assert.Single(acs.Emails);
        Assert.Equal(Sender, email["senderAddress"]!.GetValue<string>());
        Assert.Equal("leads@acme.test", email["recipients"]!["to"]![0]!["address"]!.GetValue<string>());
        Assert.Equal("Unassigned conversation in Support", email["content"]!["subject"]!.GetValue<string>());
    }
}
