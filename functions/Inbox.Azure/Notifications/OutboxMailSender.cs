using System.Collections.Concurrent;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Notifications;

/// <summary>Configuration section <c>Mail</c>: the product's own sender address (verification messages, notices).</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    public string From { get; set; } = "inbox@localhost";
}

/// <summary>
/// Keeps mail instead of sending it: the sender until the e-mail channel brings Azure Communication Services, and the
/// dev host's and the tests' window on what would have been sent, each message whole and as it would leave.
/// </summary>
public sealed class OutboxMailSender(MailOptions? options = null, TimeProvider? clock = null) : IMailSender
{
    private readonly ConcurrentQueue<OutgoingMail> sent = new();
    private readonly string from = (options ?? new MailOptions()).From;

    public IReadOnlyList<OutgoingMail> Sent => [.. sent];

    public Task Send(OutgoingMail mail, CancellationToken ct)
    {
        var date = (clock ?? TimeProvider.System).GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(mail.Headers, StringComparer.OrdinalIgnoreCase);
        headers.TryAdd("Date", date);
        sent.Enqueue(mail with { From = mail.From ?? from, Headers = headers });
        return Task.CompletedTask;
    }
}
