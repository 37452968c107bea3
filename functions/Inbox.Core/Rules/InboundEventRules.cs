using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What an inbound event changes on its conversation, and what a contact's answer to the consent question says.</summary>
public static class InboundEventRules
{
    /// <summary>The answers to the consent question: the payloads of its quick replies, or the words themselves.</summary>
    public const string ConsentYes = "CONSENT_YES";
    public const string ConsentNo = "CONSENT_NO";

    /// <summary>
    /// What an event changes on its conversation. Only maxima and a reopen by time, so applying events in any order, or
    /// one of them twice, gives the same conversation: out-of-order delivery is applied as if in order.
    /// </summary>
    public static Conversation Apply(Conversation c, InboundEvent e)
    {
        if (e.Type == InboundEventType.Delivery) return c;
        if (e.Type == InboundEventType.Read) return c with { ReadByContactUpTo = Later(c.ReadByContactUpTo, e.SentAt) };
        var incoming = e.Type != InboundEventType.Echo;
        var reopens = incoming && c.Status == ConversationStatus.Closed && e.SentAt > c.ClosedAt;
        return c with
        {
            LastMessageAt = Later(c.LastMessageAt, e.SentAt)!.Value,
            LastIncomingAt = incoming ? Later(c.LastIncomingAt, e.SentAt) : c.LastIncomingAt,
            // A newer message from the person opens a new window.
            WindowClosedAt = incoming && e.SentAt > (c.LastIncomingAt ?? DateTimeOffset.MinValue) ? null : c.WindowClosedAt,
            Status = reopens ? ConversationStatus.Open : c.Status,
            ClosedAt = reopens ? null : c.ClosedAt,
        };
    }

    /// <summary>A contact's answer to the consent question: a quick reply's payload, or a plain yes or no; otherwise none.</summary>
    public static ConsentStatus? ConsentAnswer(InboundEvent e) => (e.Content.Payload ?? e.Content.Text?.Trim().ToUpperInvariant()) switch
    {
        ConsentYes or "YES" => ConsentStatus.Given,
        ConsentNo or "NO" => ConsentStatus.Refused,
        _ => null,
    };

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x >= b ? x : b;
}
