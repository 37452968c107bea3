using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application;

/// <summary>
/// Every provider's connector as one: each call goes to each connector in turn, and each acts only on its own kind of
/// channel (a page, a Graph mailbox, a Gmail mailbox, a forwarding address).
/// </summary>
public sealed class ChannelConnectors(IReadOnlyList<IChannelConnector> connectors) : IChannelConnector
{
    public async Task Connect(string accountId, string inboxId, Channel channel, CancellationToken ct)
    {
        foreach (var connector in connectors) await connector.Connect(accountId, inboxId, channel, ct);
    }

    public async Task<Outcome<bool>> Update(string accountId, string inboxId, Channel before, Channel after, CancellationToken ct)
    {
        var pushed = false;
        foreach (var connector in connectors)
        {
            var outcome = await connector.Update(accountId, inboxId, before, after, ct);
            if (!outcome.IsSuccess) return outcome;
            pushed |= outcome.Value;
        }

        return pushed;
    }

    public async Task<string?> Disconnect(string accountId, string inboxId, Channel channel, bool heldElsewhere, CancellationToken ct)
    {
        var leftovers = new List<string>();
        foreach (var connector in connectors)
        {
            if (await connector.Disconnect(accountId, inboxId, channel, heldElsewhere, ct) is { } leftover) leftovers.Add(leftover);
        }

        return leftovers.Count == 0 ? null : string.Join(" ", leftovers);
    }
}
