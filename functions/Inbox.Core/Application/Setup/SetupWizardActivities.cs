using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Setup;

/// <summary>What a confirmed review creates, on behalf of the admin who confirmed it.</summary>
public sealed record WizardCreation(string WizardId, string AccountId, string UserId, InboxSettings Inbox, ChannelSettings Channel);

/// <summary>The inbox and channel made, or the problem that stopped it (<see cref="AtChannel"/>: at connecting the channel).</summary>
public sealed record WizardCreated(string? InboxId, string? ChannelId, Problem? Problem = null, bool AtChannel = false);

public sealed record ChannelHandshake(string AccountId, string InboxId, Channel Channel);

public sealed record WizardDiscard(string WizardId, string AccountId, string UserId);

/// <summary>
/// The activities of <see cref="SetupWizard"/>. The inbox's and the channel's ids derive from the wizard's, so each activity
/// run again (a retry, a review confirmed again) finds what an earlier run made instead of making it twice.
/// </summary>
public sealed class SetupWizardActivities(InboxAdmin admin, IChannelConnector connector)
{
    /// <summary>
    /// Creates the inbox and connects its channel, through the same use cases (and rules) as the CRUD endpoints. A rule's
    /// refusal (a taken name or address, a user gone from the directory) is returned, not thrown, and leaves no inbox.
    /// </summary>
    public async Task<WizardCreated> CreateInbox(WizardCreation request, CancellationToken ct)
    {
        var caller = OnBehalfOf(request.AccountId, request.UserId);
        var inboxId = WizardRules.InboxIdOf(request.WizardId);
        var channelId = WizardRules.ChannelIdOf(request.WizardId);

        // An earlier attempt may have left an inbox made from what the wizard held then: start again from nothing.
        if (await admin.Get(caller, inboxId, ct) is { IsSuccess: true } earlier && !Matches(earlier.Value!.Value, request, channelId))
            await admin.Delete(caller, inboxId, ifMatch: null, ct);

        var inbox = await admin.Create(caller, inboxId, request.Inbox, ct);
        if (!inbox.IsSuccess) return new WizardCreated(null, null, inbox.Problem);

        var channel = await admin.ConnectChannel(caller, inboxId, channelId, request.Channel, ct);
        if (channel.IsSuccess) return new WizardCreated(inboxId, channelId);

        // Nothing half made stays behind: the wizard goes back to the channel, and the next review starts afresh.
        var removed = await admin.Delete(caller, inboxId, ifMatch: null, ct);
        if (!removed.IsSuccess) throw new InvalidOperationException($"Inbox {inboxId} could not be removed: {removed.Problem!.Title}");
        return new WizardCreated(null, null, channel.Problem, AtChannel: true);
    }

    /// <summary>The channel's external handshake; throws when it fails, so the orchestration retries it with backoff.</summary>
    public async Task<bool> ConnectChannel(ChannelHandshake request, CancellationToken ct)
    {
        if (!ChannelOwnershipRules.NeedsProof(request.Channel.Settings.Kind))
        {
            await connector.Connect(request.AccountId, request.InboxId, request.Channel, ct);
            return true;
        }

        // The handshake (a page connected with the admin's token) is the proof: the channel goes from pending to proven.
        var proven = await admin.ProveChannel(OnBehalfOf(request.AccountId, WizardUser), request.InboxId, request.Channel.Id, async channel =>
        {
            await connector.Connect(request.AccountId, request.InboxId, channel, ct);
            return (Outcome<bool>)true;
        }, ct);
        return proven.IsSuccess ? true : throw new InvalidOperationException($"{proven.Problem!.Title} {proven.Problem.Detail}".Trim());
    }

    /// <summary>The handshake carries no user; an admin acting for the wizard the admin confirmed.</summary>
    private const string WizardUser = "setup-wizard";

    /// <summary>Removes the inbox a cancelled or expired wizard made (with its channel binding), if any.</summary>
    public async Task<bool> DiscardInbox(WizardDiscard request, CancellationToken ct)
    {
        var deleted = await admin.Delete(OnBehalfOf(request.AccountId, request.UserId), WizardRules.InboxIdOf(request.WizardId), ifMatch: null, ct);
        if (deleted.IsSuccess) return true;
        return deleted.Problem!.Kind == ProblemKind.NotFound
            ? false
            : throw new InvalidOperationException($"The wizard's inbox could not be removed: {deleted.Problem.Title}");
    }

    /// <summary>The admin who confirmed (or started) the wizard; the API checked the role when the step was submitted.</summary>
    private static Caller OnBehalfOf(string accountId, string userId) => new(accountId, userId, new HashSet<Role> { Role.Member, Role.AccountAdmin });

    private static bool Matches(Inbox inbox, WizardCreation request, string channelId)
    {
        var wanted = Inbox.Create(inbox.Id, inbox.AccountId, request.Inbox, inbox.CreatedAt);
        var same = Same(inbox with { Channels = [], UpdatedAt = inbox.CreatedAt }, wanted);
        return same && inbox.Channels.All(c => c.Id == channelId && Same(c.Settings, request.Channel));
    }

    private static bool Same<T>(T a, T b) => JsonSerializer.Serialize(a, InboxJson.Storage) == JsonSerializer.Serialize(b, InboxJson.Storage);
}
