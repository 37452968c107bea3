using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Messenger;

/// <summary>
/// The wizard's handshake for a Messenger page: the admin's Facebook token, handed over beforehand
/// (<see cref="SetupWizardUseCases"/>'s page authorization) and kept as a secret meanwhile — never in the wizard's state —
/// is exchanged for the page's, and the page is subscribed and greeted (<see cref="MessengerPageConnector"/>): Meta's
/// answer is the proof the wizard's activity then records (<see cref="InboxUseCases.ProveChannel{T}"/>). Other channels need
/// no handshake here yet. Throws when it cannot connect, so the activity retries and the wizard shows why.
/// Also the channel API's side of a page: a changed greeting is set on it, and a disconnected page is unsubscribed.
/// </summary>
public sealed class MessengerChannelConnector(MessengerPageConnector pages, ISecretStore secrets) : IChannelConnector
{
    /// <summary>Where the admin's token waits for the wizard's review: named by the inbox the wizard creates.</summary>
    public static string AuthorizationSecret(string inboxId) => $"messenger-authorization-{inboxId}";

    public async Task Connect(string accountId, string inboxId, Channel channel, CancellationToken ct)
    {
        if (channel.Settings is not MessengerChannel page) return;
        if (await secrets.Get(SecretNames.MessengerPageToken(accountId, channel.Id), ct) is not null &&
            await secrets.Get(AuthorizationSecret(inboxId), ct) is null)
            return; // connected before (a retried activity, or a page connected through the channel API)

        var userToken = await secrets.Get(AuthorizationSecret(inboxId), ct)
            ?? throw new InvalidOperationException("Authorize the page first: POST /api/setup/{id}/messenger-authorization with a Facebook user access token, then review again.");
        var connected = await pages.Connect(accountId, channel.Id, page.PageId, userToken, page.Greeting, ct);
        if (!connected.IsSuccess) throw new InvalidOperationException($"{connected.Problem!.Title} {connected.Problem.Detail}".Trim());
        await secrets.Delete(AuthorizationSecret(inboxId), ct);
    }

    public async Task<Outcome<bool>> Update(string accountId, string inboxId, Channel before, Channel after, CancellationToken ct) =>
        before.Settings is MessengerChannel was && after.Settings is MessengerChannel page && Greeting(was) != Greeting(page)
            ? await pages.SetGreeting(accountId, after.Id, Greeting(page), ct)
            : false;

    public async Task<string?> Disconnect(string accountId, string inboxId, Channel channel, bool heldElsewhere, CancellationToken ct)
    {
        if (channel.Settings is not MessengerChannel page) return null;
        try
        {
            await secrets.Delete(AuthorizationSecret(inboxId), ct); // a wizard's token not used yet
            var done = await pages.Disconnect(accountId, channel.Id, page.PageId, unsubscribe: !heldElsewhere, ct);
            if (!done.IsSuccess) return $"Facebook page {page.PageId}: {done.Problem!.Title} {done.Problem.Detail}".Trim();
            return done.Value!.UnsubscribeError is { } error
                ? $"The app could not be unsubscribed from Facebook page {page.PageId} ({error}); its token was deleted and its deliveries are dropped."
                : null;
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            return $"Facebook page {page.PageId}: its access token could not be deleted: {e.Message}";
        }
    }

    /// <summary>A blank greeting is none.</summary>
    private static string? Greeting(MessengerChannel page) => string.IsNullOrWhiteSpace(page.Greeting) ? null : page.Greeting;
}
