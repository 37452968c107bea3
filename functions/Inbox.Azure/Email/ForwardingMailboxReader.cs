using InboxServerless.Azure.ServiceBus;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Azure.Email;

/// <summary>
/// Reads a forwarded message the webhook stored (<see cref="ForwardingInbound"/>): one message per change. A message
/// carrying the channel's verification code proves the address and is consumed; anything else for an address not proven
/// yet is dropped, with a log line; the rest goes through the intake as every provider's mail does.
/// </summary>
public sealed class ForwardingMailboxReader(
    ForwardedMailStore store, ForwardingChannels forwarding, EmailIntake intake, TimeProvider clock, ILogger<ForwardingMailboxReader> log)
    : IMailboxReader
{
    public EmailProvider Provider => EmailProvider.Forwarding;

    public async Task<MailboxRead> Read(Mailbox mailbox, MailboxChange change, CancellationToken ct)
    {
        if (change is not { Kind: MailboxChangeKind.NewMail, Reference: { } name }) return MailboxRead.Nothing;
        var raw = await store.Get(name, ct)
            ?? throw new InvalidInboundMessageException($"The forwarded message '{name}' in '{store.Container.Name}' does not exist.");
        var email = MimeMessageNormaliser.Normalise(raw.ToMemory(), mailbox.Channel.BindingKey.Value, clock.GetUtcNow());
        // Permanent: the queue retries it, then dead-letters it, where it can be looked at.
        if (!email.IsSuccess)
            throw new InvalidInboundMessageException($"The forwarded message '{name}' cannot be read: {email.Problem!.Detail}");

        switch (await forwarding.Verify(mailbox, email.Value!.Event.Content.Subject, ct))
        {
            case Verification.Proven:
                log.LogInformation("Forwarding channel {Channel}: the verification message arrived; the address is proven.", mailbox.Channel.Id);
                return MailboxRead.Nothing;
            case Verification.Refused:
                log.LogWarning("Forwarding channel {Channel}: a verification code that does not prove the address; message {Blob} dropped.", mailbox.Channel.Id, name);
                return MailboxRead.Nothing;
        }

        if (!ChannelOwnershipRules.IsProven(mailbox.Channel))
        {
            log.LogInformation("Forwarding channel {Channel} is not verified yet: message {Blob} dropped.", mailbox.Channel.Id, name);
            return MailboxRead.Nothing;
        }

        return new MailboxRead([await intake.Take(mailbox, email.Value, ct)]);
    }

    /// <summary>Nothing to keep: each forwarded message is its own change.</summary>
    public Task Commit(Mailbox mailbox, string checkpoint, CancellationToken ct) => Task.CompletedTask;
}
