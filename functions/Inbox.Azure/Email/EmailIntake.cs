using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email;

/// <summary>
/// What every e-mail channel does with a message on the way in, whichever provider delivered it: the consumer's last step
/// before routing, off the webhook's path.
/// </summary>
public sealed class EmailIntake
{
    public Task<InboundEvent> Take(Mailbox mailbox, InboundEmail email, CancellationToken ct) => Task.FromResult(email.Event);
}
