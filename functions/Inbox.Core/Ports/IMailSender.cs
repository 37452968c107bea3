namespace InboxServerless.Core.Ports;

/// <summary>An e-mail to send (the real sender comes with the e-mail channel).</summary>
public sealed record OutgoingMail(string To, string Subject, string PlainText);

public interface IMailSender
{
    Task Send(OutgoingMail mail, CancellationToken ct);
}
