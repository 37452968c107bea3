using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Setup.Activities;

/// <summary>
/// The channel's external handshake; throws when it fails, so the orchestration retries it with backoff. An e-mail channel
/// stays pending after it: its connector sends the verification message or asks for the grant that proves it.
/// </summary>
public sealed class SetupWizardConnectChannel(InboxUseCases inboxes, IChannelConnector connector) : DurableActivity<ChannelHandshake, bool>
{
    public override async Task<bool> Run(ChannelHandshake request, CancellationToken ct)
    {
        if (!ChannelOwnershipRules.ProvenByHandshake(request.Channel.Settings.Kind))
        {
            await connector.Connect(request.AccountId, request.InboxId, request.Channel, ct);
            return true;
        }

        // The handshake (a page connected with the admin's token) is the proof: the channel goes from pending to proven.
        var proven = await inboxes.ProveChannel(WizardCaller.OnBehalfOf(request.AccountId, WizardCaller.Handshake), request.InboxId, request.Channel.Id, async channel =>
        {
            await connector.Connect(request.AccountId, request.InboxId, channel, ct);
            return (Outcome<bool>)true;
        }, ct);
        return proven.IsSuccess ? true : throw new InvalidOperationException($"{proven.Problem!.Title} {proven.Problem.Detail}".Trim());
    }
}
