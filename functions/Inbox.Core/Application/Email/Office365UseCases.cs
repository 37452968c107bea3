using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Email;

/// <summary>The tenant whose admin granted the app Mail.Read and Mail.Send: its id or a verified domain.</summary>
public sealed record Office365Authorization(string TenantId);

/// <summary>
/// Connects an Office 365 channel's mailbox through the channel API: reads the mailbox and subscribes to its inbox with
/// the tenant's grant. Graph's answer proves the account's tenant holds the mailbox, so the channel is proven
/// (<see cref="InboxUseCases.ProveChannel{T}"/>), as a page is by Meta's.
/// </summary>
public sealed class Office365UseCases(IInboxStore inboxes, InboxUseCases inboxUseCases, GraphSubscriptions subscriptions)
{
    public async Task<Outcome<Office365Connection>> ConnectMailbox(
        Caller caller, string inboxId, string channelId, Office365Authorization authorization, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return InboxUseCases.Forbidden;
        if ((await inboxes.FindByRequest(caller.AccountId, inboxId, ct))?.Value.FindChannel(channelId)?.Settings is not EmailChannel { Provider: EmailProvider.Office365 })
            return Problem.NotFound("The inbox or Office 365 channel");
        if (!MailboxSubscriptionRules.IsTenant(authorization.TenantId))
            return Problem.Invalid("tenantId", "Give the Microsoft Entra tenant id (a GUID) or a verified domain of the mailbox's tenant.");
        return await inboxUseCases.ProveChannel(caller, inboxId, channelId, channel =>
            subscriptions.Connect(caller.AccountId, inboxId, channel.Id, ((EmailChannel)channel.Settings).Address, authorization.TenantId, ct), ct);
    }
}
