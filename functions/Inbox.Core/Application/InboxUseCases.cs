using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application;

/// <summary>
/// A channel (or an inbox with its channels) removed: what could not be undone at the provider, best effort, for the log.
/// </summary>
public sealed record Disconnected(IReadOnlyList<string> Leftovers);

/// <summary>The admin's use cases for inboxes and their channels.</summary>
/// <param name="resolver">Told when an inbox changes, so routing sees its channels at once.</param>
/// <param name="connector">What a channel keeps at its provider (a page's subscription, token and greeting).</param>
/// <param name="secrets">Where an inbox's Slack webhook URL is kept (a credential: never on the inbox).</param>
public sealed class InboxUseCases(
    IInboxStore inboxes, IChannelBindingStore bindings, IDirectoryStore directories, TimeProvider clock, ChannelResolver? resolver = null,
    IChannelConnector? connector = null, ISecretStore? secrets = null)
{
    private ISecretStore Secrets => secrets ?? throw new InvalidOperationException("This host has no secret store for Slack webhooks.");

    /// <summary>A merge (connect, disconnect) re-reads and retries this often when someone else wrote the inbox meanwhile.</summary>
    private const int MergeAttempts = 5;

    public Task<Outcome<Versioned<Inbox>>> Create(Caller caller, InboxSettings settings, CancellationToken ct) =>
        Create(caller, NewId(), settings, ct);

    /// <summary>
    /// Creates the inbox under an id the caller chose (the setup wizard derives it from its own id). Creating it again (a
    /// retried activity) returns the inbox made before, whatever it holds; a name taken by another inbox is a conflict.
    /// </summary>
    public async Task<Outcome<Versioned<Inbox>>> Create(Caller caller, string inboxId, InboxSettings settings, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return Forbidden;
        var directory = await directories.Load(caller.AccountId, ct);
        var validation = InboxRules.Validate(settings, directory);
        if (!validation.IsValid) return Problem.Invalid(validation.Errors);

        var inbox = Inbox.Create(inboxId, caller.AccountId, settings, clock.GetUtcNow());
        // The secret first, so that an inbox that says it has a webhook has one.
        var webhook = settings.Notifications.NewSlackWebhookUrl;
        if (webhook is not null) await Secrets.Set(SecretNames.SlackWebhook(inboxId), webhook, ct);
        var created = await inboxes.Create(inbox, ct);
        // The store answers a conflict for a taken id as for a taken name: an inbox under this id is the one made before.
        if (created.Problem?.Kind == ProblemKind.Conflict && await inboxes.FindByRequest(caller.AccountId, inboxId, ct) is { } earlier) return earlier;
        if (!created.IsSuccess && webhook is not null) await Secrets.Delete(SecretNames.SlackWebhook(inboxId), ct);
        return NameConflict(created, inbox.Name);
    }

    public async Task<Outcome<Page<Versioned<Inbox>>>> List(Caller caller, int? pageSize, string? continuationToken, CancellationToken ct)
    {
        var size = PageRules.Size(pageSize);
        if (!size.IsSuccess) return size.Problem!;
        var page = await inboxes.List(caller.AccountId, size.Value, continuationToken, ct);
        if (caller.IsAdmin) return page;
        var directory = await directories.Load(caller.AccountId, ct);
        return page with { Items = [.. page.Items.Where(i => Access.CanSee(caller, i.Value, directory))] };
    }

    public async Task<Outcome<Versioned<Inbox>>> Get(Caller caller, string inboxId, CancellationToken ct)
    {
        var found = await inboxes.FindByRequest(caller.AccountId, inboxId, ct);
        if (found is null) return NotFound;
        if (caller.IsAdmin) return found;
        var directory = await directories.Load(caller.AccountId, ct);
        // Not a member: the inbox does not exist as far as this caller can tell.
        return Access.CanSee(caller, found.Value, directory) ? found : NotFound;
    }

    public async Task<Outcome<Versioned<Channel>>> GetChannel(Caller caller, string inboxId, string channelId, CancellationToken ct)
    {
        var inbox = await Get(caller, inboxId, ct);
        if (!inbox.IsSuccess) return inbox.Problem!;
        return inbox.Value!.Value.FindChannel(channelId) is { } channel ? new Versioned<Channel>(channel, inbox.Value.ETag) : ChannelNotFound;
    }

    public async Task<Outcome<Versioned<Inbox>>> Update(Caller caller, string inboxId, InboxSettings settings, string? ifMatch, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return Forbidden;
        var found = await inboxes.FindByRequest(caller.AccountId, inboxId, ct);
        if (found is null) return NotFound;
        if (ifMatch is null) return IfMatchRequired;
        var validation = InboxRules.Validate(settings, await directories.Load(caller.AccountId, ct));
        if (!validation.IsValid) return Problem.Invalid(validation.Errors);

        // A new webhook URL goes to the secret store before the inbox says so. Omitted, the URL is kept; null or "" removes it.
        var notifications = settings.Notifications;
        if (notifications.NewSlackWebhookUrl is { } webhook)
        {
            if (IsStale(ifMatch, found)) return Problem.StaleETag;
            await Secrets.Set(SecretNames.SlackWebhook(inboxId), webhook, ct);
        }

        var saved = Changed(inboxId, NameConflict(await inboxes.Replace(found.Value.With(settings, clock.GetUtcNow()), ifMatch, ct), settings.Name));
        if (saved.IsSuccess && notifications.SlackWebhookUrlGiven && notifications.NewSlackWebhookUrl is null && secrets is not null)
            await secrets.Delete(SecretNames.SlackWebhook(inboxId), ct);
        return saved;
    }

    public async Task<Outcome<Disconnected>> Delete(Caller caller, string inboxId, string? ifMatch, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return Forbidden;
        var found = await inboxes.FindByRequest(caller.AccountId, inboxId, ct);
        if (found is null) return NotFound;
        var deleted = Changed(inboxId, await inboxes.Delete(caller.AccountId, inboxId, ifMatch, ct));
        if (!deleted.IsSuccess) return deleted.Problem!;
        // After the inbox is gone; a crash in between leaves bindings nobody holds, which a later claim takes over.
        var leftovers = new List<string>();
        foreach (var channel in found.Value.Channels)
            leftovers.AddRange(await Release(caller.AccountId, inboxId, channel, ct));
        // Deleted whether or not the inbox says it has one (a crash may have left one behind); best effort, as a page's.
        if (secrets is not null)
        {
            try
            {
                await secrets.Delete(SecretNames.SlackWebhook(inboxId), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                leftovers.Add($"The inbox's Slack webhook secret could not be deleted: {e.Message}");
            }
        }

        return new Disconnected(leftovers);
    }

    public Task<Outcome<Versioned<Channel>>> ConnectChannel(Caller caller, string inboxId, ChannelSettings settings, CancellationToken ct) =>
        ConnectChannel(caller, inboxId, NewId(), settings, ct);

    /// <summary>
    /// Connects a channel under an id the caller chose. Connecting it again (a retried activity) returns the channel the
    /// inbox holds under that id, and a binding this channel claimed before is its own: never two channels, never a page
    /// bound twice.
    /// </summary>
    public async Task<Outcome<Versioned<Channel>>> ConnectChannel(
        Caller caller, string inboxId, string channelId, ChannelSettings settings, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return Forbidden;
        var found = await inboxes.FindByRequest(caller.AccountId, inboxId, ct);
        if (found is null) return NotFound;
        if (found.Value.FindChannel(channelId) is { } connected) return new Versioned<Channel>(connected, found.ETag);

        var now = clock.GetUtcNow();
        // A page is pending until proven (ProveChannel); other kinds are live at once (see ChannelOwnershipRules).
        var channel = new Channel(channelId, settings, now, ChannelOwnershipRules.AtConnection(settings.Kind, now));
        var validation = ChannelRules.Validate(settings, channel.Id, found.Value, await directories.Load(caller.AccountId, ct));
        if (!validation.IsValid) return Problem.Invalid(validation.Errors);

        var binding = new ChannelBinding(channel.BindingKey.Value, caller.AccountId, inboxId, channel.Id, channel.ConnectedAt);
        var claim = await Claim(binding, provenClaim: false, ct);
        var claimed = claim.IsSuccess;
        // Another account's unproven channel must not keep this one from being connected and proven: the channel is
        // recorded pending without the claim, neither routes, and whichever proves the page first takes it.
        if (!claimed && !(claim.Problem!.Kind == ProblemKind.Conflict && ChannelOwnershipRules.NeedsProof(settings.Kind) &&
            await HeldUnprovenByAnotherAccount(binding, ct)))
            return claim.Problem!;

        var saved = Changed(inboxId, await Merge(caller.AccountId, inboxId, found, inbox => (Outcome<Inbox>)inbox.WithChannel(channel, clock.GetUtcNow()), ct));
        if (!saved.IsSuccess && claimed) await bindings.Release(channel.BindingKey.Value, inboxId, channel.Id, ct);
        return saved.Map(inbox => new Versioned<Channel>(channel, inbox.ETag));
    }

    public async Task<Outcome<Versioned<Channel>>> UpdateChannel(
        Caller caller, string inboxId, string channelId, ChannelSettings settings, string? ifMatch, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return Forbidden;
        var found = await inboxes.FindByRequest(caller.AccountId, inboxId, ct);
        if (found?.Value.FindChannel(channelId) is not { } current) return ChannelNotFound;
        if (ifMatch is null) return IfMatchRequired;

        var change = ChannelChangeRules.Validate(current.Settings, settings, channelId);
        if (!change.IsValid) return Problem.Invalid(change.Errors);
        var validation = ChannelRules.Validate(settings, channelId, found.Value, await directories.Load(caller.AccountId, ct));
        if (!validation.IsValid) return Problem.Invalid(validation.Errors);

        var channel = current with { Settings = settings };
        if (connector is not null)
        {
            // What the provider shows (a page's greeting) goes first, so that a refusal leaves the channel as it was.
            if (IsStale(ifMatch, found)) return Problem.StaleETag;
            var pushed = await connector.Update(caller.AccountId, inboxId, current, channel, ct);
            if (!pushed.IsSuccess) return pushed.Problem!;
        }

        var saved = Changed(inboxId, await inboxes.Replace(found.Value.WithChannel(channel, clock.GetUtcNow()), ifMatch, ct));
        return saved.Map(inbox => new Versioned<Channel>(channel, inbox.ETag));
    }

    /// <summary>
    /// Removes the channel from its inbox and frees its external id, then undoes what the provider keeps (unsubscribes a
    /// page and deletes its token), best effort: a provider that cannot be reached does not keep a channel the admin removed.
    /// </summary>
    public async Task<Outcome<Disconnected>> DisconnectChannel(Caller caller, string inboxId, string channelId, string? ifMatch, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return Forbidden;
        var found = await inboxes.FindByRequest(caller.AccountId, inboxId, ct);
        if (found?.Value.FindChannel(channelId) is not { } channel) return ChannelNotFound;
        if (ChatChannelRules.TranscriptSenderOf(found.Value, channelId) is { } chat) return TranscriptSender(chat);

        var saved = Changed(inboxId, ifMatch is null
            ? await Merge(caller.AccountId, inboxId, found, inbox => ChatChannelRules.TranscriptSenderOf(inbox, channelId) is { } began
                ? TranscriptSender(began)
                : inbox.WithoutChannel(channelId, clock.GetUtcNow()), ct)
            : await inboxes.Replace(found.Value.WithoutChannel(channelId, clock.GetUtcNow()), ifMatch, ct));
        if (!saved.IsSuccess) return saved.Problem!;
        return new Disconnected(await Release(caller.AccountId, inboxId, channel, ct));
    }

    /// <summary>
    /// Proves that the account owns the channel's external id: <paramref name="prove"/> asks the provider (for a page, Meta
    /// confirms the admin's user token can manage it, and the channel's own token is stored), then the channel claims the
    /// id as proven — taking it over from any pending channel, of this account or another — and is marked proven, so it
    /// routes. An id another channel proved is refused before the provider is asked.
    /// </summary>
    public async Task<Outcome<T>> ProveChannel<T>(
        Caller caller, string inboxId, string channelId, Func<Channel, Task<Outcome<T>>> prove, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return Forbidden;
        var found = await inboxes.FindByRequest(caller.AccountId, inboxId, ct);
        if (found?.Value.FindChannel(channelId) is not { } channel) return ChannelNotFound;
        var key = channel.BindingKey.Value;
        if (await bindings.Find(key, ct) is { } existing && (existing.Value.InboxId != inboxId || existing.Value.ChannelId != channelId) &&
            !BindingRules.YieldsTo(existing.Value, (await inboxes.Find(existing.Value.AccountId, existing.Value.InboxId, ct))?.Value, clock.GetUtcNow(), provenClaim: true))
            return Taken(key);

        var proof = await prove(channel);
        if (!proof.IsSuccess) return proof.Problem!;

        // Marked proven before claiming, so that of two proofs racing for one id, the later claim sees a proven holder and
        // loses (and goes back to pending) rather than both taking it over in turn.
        var provenAt = clock.GetUtcNow();
        var marked = Changed(inboxId, await Mark(caller.AccountId, inboxId, found, channelId, ChannelOwnership.Proven(provenAt), ct));
        if (!marked.IsSuccess) return marked.Problem!;
        var claim = await Claim(new ChannelBinding(key, caller.AccountId, inboxId, channelId, provenAt), provenClaim: true, ct);
        if (!claim.IsSuccess)
        {
            Changed(inboxId, await Mark(caller.AccountId, inboxId, marked.Value!, channelId, ChannelOwnershipRules.Of(channel), ct));
            return claim.Problem!;
        }

        return proof.Value!;
    }

    private Task<Outcome<Versioned<Inbox>>> Mark(
        string accountId, string inboxId, Versioned<Inbox> current, string channelId, ChannelOwnership ownership, CancellationToken ct) =>
        Merge(accountId, inboxId, current, inbox => inbox.FindChannel(channelId) is { } channel
            ? inbox.WithChannel(channel with { Ownership = ownership }, clock.GetUtcNow())
            : ChannelNotFound, ct);

    /// <summary>
    /// Frees a removed channel's external id, then undoes its provider side: its own secrets always go; what it shares
    /// with whoever holds the id by now (the app's subscription to a page) stays with them.
    /// </summary>
    private async Task<IReadOnlyList<string>> Release(string accountId, string inboxId, Channel channel, CancellationToken ct)
    {
        await bindings.Release(channel.BindingKey.Value, inboxId, channel.Id, ct);
        if (connector is null) return [];
        var heldElsewhere = await bindings.Find(channel.BindingKey.Value, ct) is not null;
        return await connector.Disconnect(accountId, inboxId, channel, heldElsewhere, ct) is { } leftover ? [leftover] : [];
    }

    /// <summary>Whether the key is claimed by a channel of another account that is not proven (pending, or in flight).</summary>
    private async Task<bool> HeldUnprovenByAnotherAccount(ChannelBinding binding, CancellationToken ct)
    {
        if (await bindings.Find(binding.Key, ct) is not { } existing || existing.Value.AccountId == binding.AccountId) return false;
        var boundInbox = await inboxes.Find(existing.Value.AccountId, existing.Value.InboxId, ct);
        return !BindingRules.IsLive(existing.Value, boundInbox?.Value);
    }

    /// <summary>
    /// Claims a key, taking over a claim that nobody holds any more, or — for a proven claim — one held by a channel that
    /// is not proven (see <see cref="BindingRules.YieldsTo"/>).
    /// </summary>
    private async Task<Outcome<Versioned<ChannelBinding>>> Claim(ChannelBinding binding, bool provenClaim, CancellationToken ct)
    {
        var claimed = await bindings.Claim(binding, ct);
        if (claimed.IsSuccess || claimed.Problem!.Kind != ProblemKind.Conflict) return claimed;

        var taken = Taken(binding.Key);
        var existing = await bindings.Find(binding.Key, ct);
        if (existing is null) return await bindings.Claim(binding, ct) is { IsSuccess: true } retried ? retried : taken;
        // Claimed by an earlier attempt of this very connection (a retry): it is ours.
        if (existing.Value.InboxId == binding.InboxId && existing.Value.ChannelId == binding.ChannelId) return existing;
        var boundInbox = await inboxes.Find(existing.Value.AccountId, existing.Value.InboxId, ct);
        if (!BindingRules.YieldsTo(existing.Value, boundInbox?.Value, clock.GetUtcNow(), provenClaim)) return taken;
        var takenOver = await bindings.TakeOver(binding, existing.ETag, ct);
        return takenOver.IsSuccess ? takenOver : taken;
    }

    private static Problem Taken(string key) => Problem.Conflict($"'{key}' is already connected to an inbox.");

    /// <summary>
    /// A stale <c>If-Match</c>, checked before a change leaves the store (a secret, a provider's setting), so that a change
    /// that cannot be saved is not made there; the replace checks it again.
    /// </summary>
    private static bool IsStale(string? ifMatch, Versioned<Inbox> found) => ifMatch is not "*" && ifMatch != found.ETag;

    private static Problem TranscriptSender(Channel chat) =>
        Problem.Conflict($"The chat channel '{chat.Id}' sends its transcripts from this e-mail channel: " +
            "choose another e-mail channel for its transcripts (transcript.fromEmailChannelId) first.");

    /// <summary>
    /// Applies a change that does not depend on what else changed, re-reading the inbox on a lost race; the change may
    /// refuse what it finds on a re-read.
    /// </summary>
    private async Task<Outcome<Versioned<Inbox>>> Merge(
        string accountId, string inboxId, Versioned<Inbox> current, Func<Inbox, Outcome<Inbox>> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var changed = change(current.Value);
            if (!changed.IsSuccess) return changed.Problem!;
            var saved = await inboxes.Replace(changed.Value!, current.ETag, ct);
            if (saved.IsSuccess || saved.Problem!.Kind != ProblemKind.PreconditionFailed || attempt == MergeAttempts) return saved;
            var reread = await inboxes.Find(accountId, inboxId, ct);
            if (reread is null) return NotFound;
            current = reread;
        }
    }

    private Outcome<T> Changed<T>(string inboxId, Outcome<T> outcome)
    {
        if (outcome.IsSuccess) resolver?.Forget(inboxId);
        return outcome;
    }

    private static Outcome<Versioned<Inbox>> NameConflict(Outcome<Versioned<Inbox>> saved, string name) =>
        saved.Problem?.Kind == ProblemKind.Conflict
            ? Problem.Conflict($"An inbox named '{name.Trim()}' already exists in this account.")
            : saved;

    private static string NewId() => Guid.CreateVersion7().ToString("N");

    internal static readonly Problem Forbidden = new(ProblemKind.Forbidden, "Only account admins can set up inboxes.");
    internal static readonly Problem NotFound = Problem.NotFound("The inbox");
    private static readonly Problem ChannelNotFound = Problem.NotFound("The inbox or channel");

    internal static readonly Problem IfMatchRequired = new(ProblemKind.PreconditionRequired, "An If-Match header is required.",
        "Send the ETag you read, so that a change made meanwhile by someone else is not overwritten.");
}
