using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using InboxServerless.Core.Domain;
using static InboxServerless.Azure.Email.EmailJson;

namespace InboxServerless.Azure.Email;

/// <summary>A new message Graph told us about, to fetch with <c>GET /{Resource}</c> (the resource names the mailbox and the message).</summary>
public sealed record GraphMessageReference(string SubscriptionId, string Resource, string MessageId, string? TenantId);

public enum GraphLifecycleKind { ReauthorizationRequired, SubscriptionRemoved, Missed }

/// <summary>Graph asks us to act on a subscription: reauthorize or renew it, create it again, or catch up with a delta query.</summary>
public sealed record GraphLifecycleEvent(string SubscriptionId, GraphLifecycleKind Kind, string? Resource, DateTimeOffset? SubscriptionExpiresAt);

/// <summary>An item that is not acted on, and why: its position in <c>value</c> and its subscription, as it claimed.</summary>
public sealed record DroppedNotification(int Index, string? SubscriptionId, string Reason);

public sealed record GraphNotificationBatch(
    IReadOnlyList<GraphMessageReference> Messages, IReadOnlyList<GraphLifecycleEvent> Lifecycle, IReadOnlyList<DroppedNotification> Dropped);

/// <summary>
/// Microsoft Graph change notifications for Outlook mail, as pure functions, by the rules of
/// docs/wire-contracts.md#microsoft-graph-change-notifications-outlook-mail. Only the
/// normalising lives here: the notification endpoint, the queue and the Graph client that fetches the messages are
/// the e-mail channel's own work.
/// </summary>
public static class GraphNotifications
{
    /// <summary>Graph's answer to the validation request must be plain text.</summary>
    public const string ValidationContentType = "text/plain";

    /// <summary>The subscriptions are for new mail only (<c>changeType: created</c>).</summary>
    private const string Created = "created";

    /// <summary>
    /// The validation handshake: Graph posts to the notification URL with <c>?validationToken=…</c> and expects the
    /// token, URL-decoded, as a <c>text/plain</c> body within 10 seconds. Takes the raw query string (decoded here,
    /// once); <c>null</c> when the request is not a validation, which is then a notification.
    /// </summary>
    public static string? ValidationToken(string? rawQuery) =>
        string.IsNullOrEmpty(rawQuery) ? null : HttpUtility.ParseQueryString(rawQuery.TrimStart('?'))["validationToken"];

    /// <summary>
    /// Reads a notification delivery. Basic notifications are not signed: an item is Graph's only when its
    /// <c>clientState</c> is the secret of its subscription (<paramref name="clientStateOf"/>, <c>null</c> for a
    /// subscription we do not hold), compared in constant time; others are dropped and reported, never acted on.
    /// A body that is not a notification at all is a problem.
    /// </summary>
    public static Outcome<GraphNotificationBatch> Parse(ReadOnlySpan<byte> body, Func<string, string?> clientStateOf) =>
        Read(body, "a Graph notification", root => ReadBatch(root, clientStateOf));

    /// <summary>
    /// The subscriptions a delivery names, read without building its document, so their secrets can be fetched before
    /// <see cref="Parse"/> checks each item; <c>null</c> when the body is not JSON (then <see cref="Parse"/> says why).
    /// </summary>
    public static IReadOnlySet<string>? SubscriptionIds(ReadOnlySpan<byte> body)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                // {"value":[{"subscriptionId":…}]}: an item's own properties are at depth 3.
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 3 && reader.ValueTextEquals("subscriptionId"u8) &&
                    reader.Read() && reader.TokenType == JsonTokenType.String)
                    named.Add(reader.GetString()!);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // invalid JSON, or a string not valid UTF-8
        {
            return null;
        }

        return named;
    }

    private static Outcome<GraphNotificationBatch> ReadBatch(JsonElement root, Func<string, string?> clientStateOf)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("value", out var items) || items.ValueKind != JsonValueKind.Array)
            return Problem.Invalid("value", "Expected an array of notifications.");

        var messages = new List<GraphMessageReference>();
        var lifecycle = new List<GraphLifecycleEvent>();
        var dropped = new List<DroppedNotification>();
        var index = -1;
        foreach (var item in items.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object) return Problem.Invalid($"value[{index}]", "Expected a notification object.");
            var subscription = OptionalString(item, "subscriptionId");
            if (subscription is null || !IsOurs(subscription, OptionalString(item, "clientState"), clientStateOf))
            {
                dropped.Add(new DroppedNotification(index, subscription, "The clientState is not the subscription's: not from Graph."));
                continue;
            }

            if (OptionalString(item, "lifecycleEvent") is { } lifecycleEvent)
            {
                if (Lifecycle(lifecycleEvent) is { } kind)
                    lifecycle.Add(new GraphLifecycleEvent(subscription, kind, OptionalString(item, "resource"), OptionalTime(item, "subscriptionExpirationDateTime")));
                else dropped.Add(new DroppedNotification(index, subscription, $"Unknown lifecycle event '{lifecycleEvent}'."));
                continue;
            }

            var changeType = OptionalString(item, "changeType");
            if (changeType != Created)
            {
                dropped.Add(new DroppedNotification(index, subscription, $"Change type '{changeType}' is not new mail."));
                continue;
            }

            var resourceData = OptionalObject(item, "resourceData") ?? throw new FormatException($"value[{index}]: 'resourceData' is missing.");
            messages.Add(new GraphMessageReference(subscription, String(item, "resource"), String(resourceData, "id"), OptionalString(item, "tenantId")));
        }

        return new GraphNotificationBatch(messages, lifecycle, dropped);
    }

    private static bool IsOurs(string subscription, string? clientState, Func<string, string?> clientStateOf) =>
        clientState is not null && clientStateOf(subscription) is { Length: > 0 } secret &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientState), Encoding.UTF8.GetBytes(secret));

    private static GraphLifecycleKind? Lifecycle(string name) => name switch
    {
        "reauthorizationRequired" => GraphLifecycleKind.ReauthorizationRequired,
        "subscriptionRemoved" => GraphLifecycleKind.SubscriptionRemoved,
        "missed" => GraphLifecycleKind.Missed,
        _ => null,
    };
}
