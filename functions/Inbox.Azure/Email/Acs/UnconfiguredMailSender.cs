using InboxServerless.Core.Ports;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Azure.Email.Acs;

/// <summary>
/// The function app's sender when <c>Email:Acs</c> names no resource: every mail is refused, saying why, rather than
/// kept somewhere nobody reads.
/// </summary>
public sealed class UnconfiguredMailSender(ILogger<UnconfiguredMailSender> log) : IMailSender
{
    public const string Reason = "E-mail sending is not configured (Email:Acs): set Email:Acs:Endpoint or Email:Acs:ConnectionString, and Email:Acs:SenderAddress.";

    public Task Send(OutgoingMail mail, CancellationToken ct)
    {
        log.LogError("Not sent, '{Subject}': {Reason}", mail.Subject, Reason);
        throw new MailRefusedException(Reason);
    }
}
