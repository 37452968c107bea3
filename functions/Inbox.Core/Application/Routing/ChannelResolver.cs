using System.Collections.Concurrent;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Routing;

/// <summary>Where an inbound event goes: the inbox, its channel and that channel's routing.</summary>
public sealed record RouteTarget(
    string AccountId,
    string InboxId,
    string InboxName,
    string ChannelId,
    ChannelKind Kind,
    string ExternalId,
    Domain.Routing Routing, // qualified: Application.Routing is the namespace of the routing activities
    InboxNotifications Notifications,
    MessengerGreeting? Greeting = null);

/// <summary>
/// What a Messenger channel says first to a new conversation: its instant reply, then its consent text — the explicit
/// consent question (asked with Yes/No quick replies), or the implicit consent notice, which is shown with the instant reply.
/// </summary>
public sealed record MessengerGreeting(string? InstantReply, string? ConsentQuestion, string? ConsentNotice = null)
{
    public static MessengerGreeting? Of(ChannelSettings settings)
    {
        if (settings is not MessengerChannel page) return null;
        var reply = page.InstantReply.Enabled ? page.InstantReply.Text : null;
        var consent = string.IsNullOrWhiteSpace(page.Consent.Text) ? null : page.Consent.Text;
        var question = page.Consent.Mode == ConsentMode.Explicit ? consent : null;
        var notice = page.Consent.Mode == ConsentMode.Implicit && reply is not null ? consent : null;
        return reply is null && question is null ? null : new MessengerGreeting(reply, question, notice);
    }

    /// <summary>The messages in the order they are sent; the question carries the quick replies.</summary>
    public IEnumerable<(string What, string Text, IReadOnlyList<MessengerQuickReply>? QuickReplies)> Messages()
    {
        if (InstantReply is not null) yield return ("instant reply", InstantReply, null);
        if (ConsentNotice is not null) yield return ("consent text", ConsentNotice, null);
        if (ConsentQuestion is not null) yield return ("consent question", ConsentQuestion, ConsentAnswers);
    }

    /// <summary>The buttons under the consent question; their payloads are what <see cref="InboundEventRules.ConsentAnswer"/> reads.</summary>
    public static readonly IReadOnlyList<MessengerQuickReply> ConsentAnswers =
        [new("Yes", InboundEventRules.ConsentYes), new("No", InboundEventRules.ConsentNo)];
}

/// <summary>
/// Finds the inbox and channel of a binding key, cached: the hot path costs no Cosmos request. Changes made through
/// this process forget the inbox at once; other instances see them within <see cref="TimeToLive"/>.
/// </summary>
public sealed class ChannelResolver(IChannelBindingStore bindings, IInboxStore inboxes, TimeProvider clock)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (RouteTarget Target, DateTimeOffset Until)> cache = new();

    public async Task<RouteTarget?> Resolve(string bindingKey, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(bindingKey, out var cached) && cached.Until > now) return cached.Target;

        var target = await Load(bindingKey, ct);
        // Only hits are kept: a page connected on another instance must route at once, not after a cached "nobody".
        if (target is not null) cache[bindingKey] = (target, now + TimeToLive);
        return target;
    }

    /// <summary>Called when an inbox changes: its channels may have changed.</summary>
    public void Forget(string inboxId)
    {
        foreach (var (key, entry) in cache)
        {
            if (entry.Target?.InboxId == inboxId) cache.TryRemove(key, out _);
        }
    }

    private async Task<RouteTarget?> Load(string bindingKey, CancellationToken ct)
    {
        var binding = await bindings.Find(bindingKey, ct);
        if (binding is null) return null;
        var inbox = await inboxes.Find(binding.Value.AccountId, binding.Value.InboxId, ct);
        // A claim whose inbox does not (yet, or any more) hold the channel routes nowhere; nor does a channel whose
        // external id is not proven its own (a page typed in, not connected): its events are dropped like a page nobody holds.
        if (!BindingRules.IsLive(binding.Value, inbox?.Value)) return null;
        var channel = inbox!.Value.FindChannel(binding.Value.ChannelId)!;
        return new RouteTarget(inbox.Value.AccountId, inbox.Value.Id, inbox.Value.Name, channel.Id, channel.Settings.Kind,
            channel.BindingKey.ExternalId, channel.Settings.Routing, inbox.Value.Notifications, MessengerGreeting.Of(channel.Settings));
    }
}
