using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email.Acs;

/// <summary>
/// Forwarding inboxes' replies: the provider only forwards mail in, so replies leave through the product's own sender
/// (<see cref="IMailSender"/>: ACS in Azure, the outbox in the dev host, each applying the same sender choice), whole,
/// threaded and with the channel's from-name.
/// </summary>
public sealed class ForwardingReplySender(IMailSender sender) : IChannelMailSender
{
    public EmailProvider Provider => EmailProvider.Forwarding;

    public async Task<MailSendResult> Send(ChannelMail mail, CancellationToken ct)
    {
        try
        {
            // ACS's Operation-Id comes from the Message-Id, so a retried attempt is the same send, not a second e-mail.
            await sender.Send(mail.Mail, ct);
            return new MailSendResult.Sent(mail.Mail.MessageId);
        }
        catch (MailRefusedException refused)
        {
            return new MailSendResult.Refused(refused.Message);
        }
    }
}
