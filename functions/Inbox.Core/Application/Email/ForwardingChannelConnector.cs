using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Email;

/// <summary>
/// The wizard's handshake for a forwarding address: its inbound registration and the verification message that will
/// prove it (the wizard shows no secret: the admin takes one from <c>POST …/channels/{id}/inbound-secret</c>). When the
/// channel goes, its registration goes, so the inbound URL answers nothing any more.
/// </summary>
public sealed class ForwardingChannelConnector(ForwardingRegistrations registrations) : IChannelConnector
{
    public async Task Connect(string accountId, string inboxId, Channel channel, CancellationToken ct)
    {
        if (!ForwardingChannels.IsForwarding(channel)) return;
        // A retried activity finds the registration made before, and sends no second message.
        if (await registrations.Find(channel.Id, ct) is not null) return;
        await registrations.IssueSecret(accountId, inboxId, channel, ct);
    }

    public Task<Outcome<bool>> Update(string accountId, string inboxId, Channel before, Channel after, CancellationToken ct) =>
        Task.FromResult<Outcome<bool>>(false);

    public async Task<string?> Disconnect(string accountId, string inboxId, Channel channel, bool heldElsewhere, CancellationToken ct)
    {
        if (!ForwardingChannels.IsForwarding(channel)) return null;
        try
        {
            await registrations.Delete(channel.Id, ct);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"The forwarding registration of channel {channel.Id} could not be deleted: {e.Message}";
        }
    }
}
