using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>A file sent with a mail, its bytes read from the attachment store.</summary>
public sealed record MailAttachment(string Name, string ContentType, ReadOnlyMemory<byte> Content);

/// <summary>
/// A whole e-mail to send, as it would leave: sender, recipient, subject, extra headers, a plain-text body always and HTML
/// when there is one. <paramref name="From"/> <c>null</c> means the product's own sender address, which the sender fills in.
/// </summary>
public sealed record OutgoingMail(string To, string Subject, string PlainText)
{
    public string? From { get; init; }

    /// <summary>The display name of <see cref="From"/> ("Jane Doe at Contoso"); <c>null</c> for the address alone.</summary>
    public string? FromName { get; init; }

    /// <summary>Where the recipient's answer should go when not to <see cref="From"/> (the team address).</summary>
    public string? ReplyTo { get; init; }

    /// <summary>The display name to show with <see cref="ReplyTo"/>.</summary>
    public string? ReplyToName { get; init; }

    public string? Html { get; init; }

    /// <summary>
    /// Our <c>Message-Id</c> (<c>&lt;id@host&gt;</c>), derived from the stored message: also the idempotency key a sender
    /// uses so that a retried send is one e-mail. <c>null</c> lets the sender pick one.
    /// </summary>
    public string? MessageId { get; init; }

    /// <summary>Threading: the message this answers, and the thread's ids oldest first (<c>&lt;id@host&gt;</c> each).</summary>
    public string? InReplyTo { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    public IReadOnlyList<MailAttachment> Attachments { get; init; } = [];

    /// <summary>Headers beyond From, To, Subject and threading (an <c>Auto-Submitted</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The product's own mail (verification messages, notices), and forwarding inboxes' replies: Azure Communication
/// Services in Azure, the outbox in the dev host. Returns once the mail is accepted for delivery; throws
/// <see cref="MailRefusedException"/> when it never will be, anything else when it may be on a retry.
/// </summary>
public interface IMailSender
{
    Task Send(OutgoingMail mail, CancellationToken ct);
}

/// <summary>The mail service refused this mail for good (a bad address, a sender not allowed): retrying cannot help.</summary>
public sealed class MailRefusedException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>A reply of an e-mail channel, with what its provider needs to send it in the thread.</summary>
/// <param name="ProviderThreadId">The provider's thread (Gmail's <c>threadId</c>), when the conversation has one.</param>
/// <param name="Attempt">1 on the first try; a sender that cannot make its send idempotent checks for an earlier one after 1.</param>
public sealed record ChannelMail(string AccountId, string ChannelId, EmailChannel Channel, OutgoingMail Mail, string? ProviderThreadId, int Attempt);

/// <summary>What became of a reply's send: gone out (with the provider's id of the sent message), or refused for good.</summary>
public abstract record MailSendResult
{
    private MailSendResult() { }

    public sealed record Sent(string? ProviderMessageId) : MailSendResult;

    public sealed record Refused(string Reason) : MailSendResult;
}

/// <summary>
/// Sends an e-mail channel's replies through its own provider (<see cref="Provider"/>): Graph as the team mailbox, Gmail
/// in the thread, Azure Communication Services for forwarding inboxes. A transient failure throws, for the queue's retry.
/// </summary>
public interface IChannelMailSender
{
    EmailProvider Provider { get; }

    Task<MailSendResult> Send(ChannelMail mail, CancellationToken ct);
}
