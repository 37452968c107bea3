using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application;

/// <summary>A Facebook user's access token, to connect a page the user manages (it is exchanged, never stored).</summary>
public sealed record PageAuthorization(string UserAccessToken);

/// <summary>
/// Connects the page of a Messenger channel to Meta: exchanges the inboxUseCases's token for the page's, keeps that as the
/// channel's own secret (never in Cosmos), subscribes the app to the page's webhook and sets the greeting. Meta's answer
/// proves the account manages the page, so the channel goes from pending to proven and routes
/// (<see cref="InboxUseCases.ProveChannel{T}"/>).
/// </summary>
public sealed class MessengerPageUseCases(IInboxStore inboxes, InboxUseCases inboxUseCases, MessengerPageConnector connector)
{
    public async Task<Outcome<MessengerPageConnection>> ConnectPage(
        Caller caller, string inboxId, string channelId, PageAuthorization authorization, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return InboxUseCases.Forbidden;
        if ((await inboxes.FindByRequest(caller.AccountId, inboxId, ct))?.Value.FindChannel(channelId)?.Settings is not MessengerChannel)
            return Problem.NotFound("The inbox or Messenger channel");
        if (string.IsNullOrWhiteSpace(authorization.UserAccessToken)) return Problem.Invalid("userAccessToken", "Give a Facebook user access token.");
        return await inboxUseCases.ProveChannel(caller, inboxId, channelId, channel =>
        {
            var page = (MessengerChannel)channel.Settings;
            return connector.Connect(caller.AccountId, channel.Id, page.PageId, authorization.UserAccessToken, page.Greeting, ct);
        }, ct);
    }
}
