namespace InboxServerless.Core.Ports;

/// <summary>
/// A whole e-mail to send, as it would leave: sender, recipient, subject, extra headers, a plain-text body always and HTML
/// when there is one. <paramref name="From"/> <c>null</c> means the product's own sender address, which the sender fills in.
/// </summary>
public sealed record OutgoingMail(string To, string Subject, string PlainText)
{
    public string? From { get; init; }

    public string? Html { get; init; }

    /// <summary>Headers beyond From, To and Subject (a reply's <c>In-Reply-To</c>, an <c>Auto-Submitted</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

public interface IMailSender
{
    Task Send(OutgoingMail mail, CancellationToken ct);
}
