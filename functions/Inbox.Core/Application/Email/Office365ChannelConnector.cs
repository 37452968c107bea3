using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Email;

/// <summary>
/// An Office 365 channel's handshake for the setup wizard and its undoing for the channel API: the Graph subscription on
/// the mailbox's inbox (<see cref="GraphSubscriptions"/>), in the tenant the wizard's channel names. Acts on Office 365
/// channels only; throws when it cannot connect, so the wizard's activity retries and shows why.
/// </summary>
public sealed class Office365ChannelConnector(GraphSubscriptions subscriptions) : IChannelConnector
{
    public async Task Connect(string accountId, string inboxId, Channel channel, CancellationToken ct)
    {
        if (channel.Settings is not EmailChannel { Provider: EmailProvider.Office365 } email) return;
        if (string.IsNullOrWhiteSpace(email.TenantId))
            throw new InvalidOperationException("Give the Office 365 channel's tenantId: the Microsoft Entra tenant whose admin granted Mail.Read and Mail.Send.");
        var connected = await subscriptions.Connect(accountId, inboxId, channel.Id, email.Address, email.TenantId, ct);
        if (!connected.IsSuccess) throw new InvalidOperationException($"{connected.Problem!.Title} {connected.Problem.Detail}".Trim());
    }

    /// <summary>Graph shows nothing of the channel's settings.</summary>
    public Task<Outcome<bool>> Update(string accountId, string inboxId, Channel before, Channel after, CancellationToken ct) =>
        Task.FromResult<Outcome<bool>>(false);

    public async Task<string?> Disconnect(string accountId, string inboxId, Channel channel, bool heldElsewhere, CancellationToken ct) =>
        channel.Settings is EmailChannel { Provider: EmailProvider.Office365 }
            ? await subscriptions.Disconnect(accountId, channel.Id, ct)
            : null;
}
