using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Azure.Email.Acs;

/// <summary>
/// The product's mail through Azure Communication Services: its sender chosen by <see cref="SenderAddressRules"/> (the
/// team address when its domain is verified in ACS, else the deployment's sender with Reply-To the team address), then
/// sent and followed until ACS says it went out.
/// </summary>
public sealed class AcsMailSender(AcsEmailClient client, AcsEmailOptions options, ILogger<AcsMailSender> log) : IMailSender
{
    public async Task Send(OutgoingMail mail, CancellationToken ct)
    {
        var leaving = SenderAddressRules.Choose(mail, options.EffectiveSenderAddress, options.VerifiedDomains);
        try
        {
            var operation = await client.Send(leaving, ct);
            // Addresses stay out of the log: the operation id finds the mail in ACS's own logs.
            log.LogInformation("ACS sent e-mail {MessageId} (operation {OperationId}).", leaving.MessageId ?? "(no id)", operation);
        }
        catch (MailRefusedException refused)
        {
            log.LogWarning("ACS refused e-mail {MessageId}: {Reason}", leaving.MessageId ?? "(no id)", refused.Message);
            throw;
        }
    }
}
