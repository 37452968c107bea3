using InboxServerless.Azure.Notifications;
using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>Proves a forwarding address as production does: our verification message comes back carrying its code.</summary>
internal static class ForwardingProof
{
    public static async Task Prove(InboxUseCases admin, Caller caller, string inboxId, string channelId, TimeProvider clock)
    {
        var outbox = new OutboxMailSender();
        var registrations = new ForwardingRegistrations(new InMemorySecretStore(), outbox, clock);
        var channel = (await admin.GetChannel(caller, inboxId, channelId, default)).Value!.Value;
        await registrations.SendVerification(caller.AccountId, inboxId, channel, default);

        var verified = await new ForwardingChannels(admin, registrations, clock)
            .Verify(new Mailbox(caller.AccountId, inboxId, channel), outbox.Sent.Single().Subject, default);

        Assert.Equal(Verification.Proven, verified);
    }
}
