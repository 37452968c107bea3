using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;

namespace InboxServerless.Azure.Messenger;

/// <summary>Meta's webhook handshake and signature, as pure functions: the rules are in docs/wire-contracts.md#meta-messenger-the-webhook.</summary>
public static class MessengerWebhook
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    private const string SignaturePrefix = "sha256=";

    /// <summary>
    /// The subscription handshake: the challenge to echo when the mode is <c>subscribe</c> and the token is ours
    /// (compared in constant time); otherwise <c>null</c>, which the webhook answers with 403.
    /// </summary>
    public static string? Challenge(string? mode, string? verifyToken, string? challenge, string configuredToken) =>
        mode == "subscribe" && challenge is not null && verifyToken is not null && configuredToken.Length > 0 &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(verifyToken), Encoding.UTF8.GetBytes(configuredToken))
            ? challenge
            : null;

    /// <summary>
    /// <c>X-Hub-Signature-256: sha256=&lt;64 lowercase hex&gt;</c> = HMAC-SHA256 of the raw body bytes with the app secret,
    /// compared in constant time. Meta signs the bytes it sends, so the bytes received are hashed, never re-serialised JSON.
    /// </summary>
    public static bool IsSigned(ReadOnlySpan<byte> body, string? header, ReadOnlySpan<byte> appSecret)
    {
        if (header is null || header.Length != SignaturePrefix.Length + 64 || !header.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            return false;
        Span<byte> claimed = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(SignaturePrefix.Length), claimed, out _, out var written) != System.Buffers.OperationStatus.Done ||
            written != 32)
            return false;
        Span<byte> actual = stackalloc byte[32];
        HMACSHA256.HashData(appSecret, body, actual);
        return CryptographicOperations.FixedTimeEquals(actual, claimed);
    }
}

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

/// <summary>What a Messenger attachment is called and what media type it has: Meta gives only its kind and a CDN URL.</summary>
public static class MessengerAttachment
{
    public const string OctetStream = "application/octet-stream";

    public static Attachment Of(string type, string url) => new(NameOf(type, url), MediaTypeOf(type), url);

    /// <summary>Meta's kinds <c>image</c>, <c>video</c>, <c>audio</c> say no more than the top-level type; anything else is bytes.</summary>
    public static string MediaTypeOf(string type) => type switch
    {
        "image" => "image/*",
        "video" => "video/*",
        "audio" => "audio/*",
        _ => OctetStream,
    };

    /// <summary>The URL's last path segment, decoded, without query or fragment; the kind's word when that is no file name.</summary>
    public static string NameOf(string type, string url)
    {
        var fallback = type.Length is > 0 and <= 32 && type.All(char.IsAsciiLetterLower) ? type : "attachment";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return fallback;
        var path = uri.AbsolutePath;
        var segment = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
        return segment.Length is 0 or > 255 || segment is "." or ".." || segment.Any(c => c is '/' or '\\' || char.IsControl(c))
            ? fallback
            : segment;
    }
}
