using System.Collections.Concurrent;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Notifications;

/// <summary>
/// Keeps mail instead of sending it: the sender until the e-mail channel brings Azure Communication Services, and the
/// dev host's and the tests' window on what would have been sent.
/// </summary>
public sealed class OutboxMailSender : IMailSender
{
    private readonly ConcurrentQueue<OutgoingMail> sent = new();

    public IReadOnlyList<OutgoingMail> Sent => [.. sent];

    public Task Send(OutgoingMail mail, CancellationToken ct)
    {
        sent.Enqueue(mail);
        return Task.CompletedTask;
    }
}
