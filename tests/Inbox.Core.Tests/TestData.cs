using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Tests;

/// <summary>A small, valid world the rule tests start from and spoil one field at a time.</summary>
internal static class TestData
{
    public const string AccountId = "acct-1";
    public const string OtherAccountId = "acct-2";
    public const string InboxId = "inbox-1";
    public const string EmailChannelId = "email-1";
    public const string ChatChannelId = "chat-1";

    public static readonly DateTimeOffset T0 = new(2026, 1, 15, 9, 0, 0, TimeSpan.Zero);

    public static readonly User Alice = new("alice", AccountId, "Alice Martin", "alice@acme.com", HasPaidSeat: true, IsSuperAdmin: false);
    public static readonly User Bob = new("bob", AccountId, "Bob Stone", "bob@acme.com", HasPaidSeat: true, IsSuperAdmin: false);
    public static readonly User Carol = new("carol", AccountId, "Carol Free", "carol@acme.com", HasPaidSeat: false, IsSuperAdmin: false);

    public static readonly Team Support = new("support", AccountId, "Support", ["alice", "bob"]);
    public static readonly Team Sales = new("sales", AccountId, "Sales", ["carol"]);

    public static readonly AccountDirectory AcmeDirectory = new([Alice, Bob, Carol], [Support, Sales]);

        public static EmailChannel Email(string address = "help@acme.com") => new()
    {
        Provider = EmailProvider.Gmail,
        Address = address,
        FromName = new FromName { Format = FromNameFormat.CompanyOnly, CompanyName = "Acme" },
    };

    public static ChatChannel Chat() => new() { WelcomeMessage = "Hi! How can we help?" };

    public static MessengerChannel Messenger(string pageId = "1234567890") => new() { PageId = pageId, PageName = "Acme" };

    public static FormChannel Form(string formId = "contact-form") => new() { FormId = formId };

    /// <summary>An inbox of <see cref="AccountId"/> with a team e-mail channel connected.</summary>
    public static Inbox AnInbox(InboxMembers? members = null, string accountId = AccountId) =>
        Inbox.Create(InboxId, accountId, new InboxSettings { Name = "Support", Members = members ?? InboxMembers.All }, T0)
            // Proven: an address is pending until its grant or verification message proves it (ChannelOwnershipRules).
            .WithChannel(new Channel(EmailChannelId, Email(), T0, ChannelOwnership.Proven(T0)), T0);
}
