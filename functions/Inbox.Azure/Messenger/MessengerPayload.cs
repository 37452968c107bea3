using System.Text.Json;
using InboxServerless.Azure.Json;
using InboxServerless.Core.Domain;

namespace InboxServerless.Azure.Messenger;

/// <summary>
/// Turns a Messenger webhook delivery into inbound events: every messaging item of every entry, one event each.
/// Times are Unix milliseconds. Echoes of the page's own sends are turned around, so the sender is always the person.
/// </summary>
public static partial class MessengerPayload
{
    /// <summary>Meta sends at most 1,000 updates a request.</summary>
    public const int MaxItems = 1_000;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    public static Outcome<IReadOnlyList<InboundEvent>> Parse(ReadOnlySpan<byte> body, DateTimeOffset receivedAt)
    {
        // Most deliveries are plain messages, read in one pass; the document has the answer for every other shape.
        if (TryReadMessages(body, receivedAt) is { } messages) return messages;
        return ParseDocument(body, receivedAt);
    }

    private static Outcome<IReadOnlyList<InboundEvent>> ParseDocument(ReadOnlySpan<byte> body, DateTimeOffset receivedAt) =>
        ProviderJson.Read(body, "entry", "a Messenger delivery", root => Read(root, receivedAt));

    private static Outcome<IReadOnlyList<InboundEvent>> Read(JsonElement root, DateTimeOffset receivedAt)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("object", out var kind) || kind.ValueKind != JsonValueKind.String ||
            kind.GetString() != "page")
            return Problem.Invalid("object", "Expected \"object\": \"page\".");
        if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
            return Problem.Invalid("entry", "Expected an array of entries.");

        var events = new List<InboundEvent>();
        foreach (var entry in entries.EnumerateArray())
        {
            var bindingKey = BindingKey(Id(entry, "id"));
            if (!entry.TryGetProperty("messaging", out var items)) continue; // changes (feed, …) are not messages
            foreach (var item in items.EnumerateArray())
            {
                if (events.Count == MaxItems) return Problem.Invalid("entry", $"More than {MaxItems} updates in one request.");
                if (ToEvent(bindingKey, item, receivedAt) is { } e) events.Add(e);
            }
        }

        return events;
    }

    private static InboundEvent? ToEvent(string bindingKey, JsonElement item, DateTimeOffset receivedAt)
    {
        var sender = Id(item.GetProperty("sender"), "id");
        var recipient = Id(item.GetProperty("recipient"), "id");
        var timestamp = item.TryGetProperty("timestamp", out var t) ? FromMs(t) : receivedAt;

        if (item.TryGetProperty("message", out var message))
        {
            var echo = message.TryGetProperty("is_echo", out var isEcho) && isEcho.ValueKind == JsonValueKind.True;
            var person = echo ? recipient : sender;
            return Event(bindingKey, echo ? InboundEventType.Echo : InboundEventType.Message, String(message, "mid"), person, timestamp, receivedAt,
                new InboundContent
                {
                    Text = OptionalString(message, "text"),
                    Payload = message.TryGetProperty("quick_reply", out var quick) ? OptionalString(quick, "payload") : null,
                    Attachments = Attachments(message),
                });
        }

        if (item.TryGetProperty("postback", out var postback))
        {
            var mid = OptionalString(postback, "mid") ?? $"postback:{sender}:{timestamp.ToUnixTimeMilliseconds()}";
            return Event(bindingKey, InboundEventType.Postback, mid, sender, timestamp, receivedAt,
                new InboundContent { Text = OptionalString(postback, "title"), Payload = OptionalString(postback, "payload") });
        }

        // Receipts have no mid: the sender and the watermark identify them.
        if (item.TryGetProperty("read", out var read))
        {
            var watermark = FromMs(read.GetProperty("watermark"));
            return Event(bindingKey, InboundEventType.Read, $"read:{sender}:{watermark.ToUnixTimeMilliseconds()}", sender, watermark, receivedAt, new());
        }

        if (item.TryGetProperty("delivery", out var delivery))
        {
            var watermark = FromMs(delivery.GetProperty("watermark"));
            return Event(bindingKey, InboundEventType.Delivery, $"delivery:{sender}:{watermark.ToUnixTimeMilliseconds()}", sender, watermark, receivedAt, new());
        }

        if (item.TryGetProperty("optin", out var optin))
        {
            return Event(bindingKey, InboundEventType.OptIn, $"optin:{sender}:{timestamp.ToUnixTimeMilliseconds()}", sender, timestamp, receivedAt,
                new InboundContent { Payload = OptionalString(optin, "ref") ?? OptionalString(optin, "payload") });
        }

        return null; // a kind of update this product does not use (reactions, referrals, …)
    }

    private static string BindingKey(string pageId) => new ChannelBindingKey(ChannelKind.Messenger, pageId).Value;

    /// <summary>Messenger threads by the person, not by hints; the record is immutable, so every event shares one.</summary>
    private static readonly ThreadHints NoThreadHints = new();

    private static InboundEvent Event(
        string bindingKey, InboundEventType type, string externalId, string person, DateTimeOffset sentAt, DateTimeOffset receivedAt, InboundContent content) => new()
    {
        Channel = ChannelKind.Messenger,
        Type = type,
        BindingKey = bindingKey,
        ExternalId = externalId,
        Sender = new InboundSender(person),
        Thread = NoThreadHints,
        Content = content,
        SentAt = sentAt,
        ReceivedAt = receivedAt,
    };

    private static IReadOnlyList<Attachment> Attachments(JsonElement message)
    {
        if (!message.TryGetProperty("attachments", out var attachments) || attachments.ValueKind != JsonValueKind.Array) return [];
        var list = new List<Attachment>();
        foreach (var attachment in attachments.EnumerateArray())
        {
            var type = OptionalString(attachment, "type") ?? "file";
            var url = attachment.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
                ? OptionalString(payload, "url")
                : null;
            if (url is not null) list.Add(MessengerAttachment.Of(type, url));
        }

        return list;
    }

    /// <summary>Page and person ids come as strings; numbers are accepted too.</summary>
    private static string Id(JsonElement element, string name)
    {
        var value = element.GetProperty(name);
        var id = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString();
        return string.IsNullOrEmpty(id) || id.Length > 64 ? throw new FormatException($"'{name}' is not an id.") : id;
    }

    private static string String(JsonElement element, string name) =>
        OptionalString(element, name) ?? throw new FormatException($"'{name}' is missing.");

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    private static DateTimeOffset FromMs(JsonElement value) => DateTimeOffset.FromUnixTimeMilliseconds(value.GetInt64());
}
