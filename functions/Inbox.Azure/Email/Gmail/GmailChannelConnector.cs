using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email.Gmail;

/// <summary>
/// The Gmail side of a channel's life. Connecting needs the admin's consent in a browser (<see cref="GmailConnection"/>),
/// which no wizard activity can give, so <see cref="Connect"/> does nothing; disconnecting stops the watch and deletes
/// the refresh token and the watch, best effort.
/// </summary>
public sealed class GmailChannelConnector(GmailApi api, GmailAccessTokens tokens, ISecretStore secrets, IGmailWatchStore watches) : IChannelConnector
{
    public Task Connect(string accountId, string inboxId, Channel channel, CancellationToken ct) => Task.CompletedTask;

    public Task<Outcome<bool>> Update(string accountId, string inboxId, Channel before, Channel after, CancellationToken ct) =>
        Task.FromResult<Outcome<bool>>(false);

    public async Task<string?> Disconnect(string accountId, string inboxId, Channel channel, bool heldElsewhere, CancellationToken ct)
    {
        if (channel.Settings is not EmailChannel { Provider: EmailProvider.Gmail } email) return null;
        var leftovers = new List<string>();
        try
        {
            // A watch is Gmail's per mailbox and Google Cloud project: stopping it would stop the new holder's too.
            if (!heldElsewhere && await tokens.For(accountId, channel.Id, ct) is { } token) await api.Stop(token, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            leftovers.Add($"the watch could not be stopped ({e.GetType().Name}; it lapses within 7 days)");
        }

        tokens.Forget(accountId, channel.Id);
        try
        {
            await secrets.Delete(SecretNames.GmailRefreshToken(accountId, channel.Id), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            leftovers.Add($"its refresh token could not be deleted ({e.GetType().Name})");
        }

        try
        {
            await watches.Delete(accountId, channel.Id, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            leftovers.Add($"its watch record could not be deleted ({e.GetType().Name})");
        }

        return leftovers.Count == 0 ? null : $"Gmail mailbox {email.Address}: {string.Join("; ", leftovers)}.";
    }
}
