using System.Collections.Concurrent;
using InboxServerless.Azure.Email.Acs;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Azure.Notifications;

/// <summary>
/// Keeps mail instead of sending it: the dev host's and the tests' window on what would have been sent, each message whole
/// and as Azure Communication Services would send it (the same sender choice, <see cref="SenderAddressRules"/>, from the
/// same <c>Email:Acs</c> settings).
/// </summary>
public sealed class OutboxMailSender(AcsEmailOptions? options = null, TimeProvider? clock = null) : IMailSender
{
    private readonly ConcurrentQueue<OutgoingMail> sent = new();
    private readonly AcsEmailOptions options = options ?? new AcsEmailOptions();

    public IReadOnlyList<OutgoingMail> Sent => [.. sent];

    public Task Send(OutgoingMail mail, CancellationToken ct)
    {
        var date = (clock ?? TimeProvider.System).GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(mail.Headers, StringComparer.OrdinalIgnoreCase);
        headers.TryAdd("Date", date);
        sent.Enqueue(SenderAddressRules.Choose(mail, options.EffectiveSenderAddress, options.VerifiedDomains) with { Headers = headers });
        return Task.CompletedTask;
    }

    /// <summary>What <c>GET /admin/outbox</c> shows of a mail: every field, attachments by name, type and size (not their bytes).</summary>
    public static OutboxEntry View(OutgoingMail mail) => new(
        mail.From, mail.FromName, mail.To, mail.ReplyTo, mail.ReplyToName, mail.Subject, mail.MessageId, mail.InReplyTo, mail.References,
        mail.Headers, mail.PlainText, mail.Html, [.. mail.Attachments.Select(a => new OutboxAttachment(a.Name, a.ContentType, a.Content.Length))]);
}

public sealed record OutboxEntry(
    string? From, string? FromName, string To, string? ReplyTo, string? ReplyToName, string Subject, string? MessageId, string? InReplyTo,
    IReadOnlyList<string> References, IReadOnlyDictionary<string, string> Headers, string PlainText, string? Html, IReadOnlyList<OutboxAttachment> Attachments);

public sealed record OutboxAttachment(string Name, string ContentType, int Size);
