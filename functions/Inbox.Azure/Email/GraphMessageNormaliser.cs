using System.Text.Json;
using InboxServerless.Core.Domain;
using static InboxServerless.Azure.Email.EmailJson;

namespace InboxServerless.Azure.Email;

/// <summary>
/// Turns a message as Graph returns it (<c>GET /users/{id}/messages/{id}</c>, with <c>internetMessageHeaders</c>
/// selected, and <c>attachments</c> when expanded) into an inbound event. The Graph client that fetches it is the
/// e-mail channel's own work.
/// </summary>
public static class GraphMessageNormaliser
{
    public static Outcome<InboundEmail> Normalise(ReadOnlySpan<byte> json, string bindingKey, DateTimeOffset receivedAt) =>
        Read(json, "a Graph message", message => ToEmail(message, bindingKey, receivedAt));

    private static Outcome<InboundEmail> ToEmail(JsonElement message, string bindingKey, DateTimeOffset receivedAt)
    {
        if (message.ValueKind != JsonValueKind.Object) return Problem.Invalid("$", "Expected a message object.");
        var from = OptionalObject(message, "from") is { } f ? OptionalObject(f, "emailAddress") : null;
        if (from is null || OptionalString(from.Value, "address") is not { Length: > 0 } address)
            return Problem.Invalid("from", "The message has no sender address.");

        var headers = Headers(message);
        var (text, html) = Body(message);
        var attachments = Attachments(message);
        var e = new InboundEvent
        {
            Channel = ChannelKind.Email,
            Type = InboundEventType.Message,
            BindingKey = bindingKey,
            // The internet message id is what later replies name in In-Reply-To/References; Graph's id is per mailbox.
            ExternalId = EmailIds.MessageId(OptionalString(message, "internetMessageId")) ?? String(message, "id"),
            Sender = new InboundSender(address, OptionalString(from.Value, "name") is { Length: > 0 } name ? name : null, address),
            Thread = new ThreadHints
            {
                ConversationId = OptionalString(message, "conversationId"),
                InReplyTo = EmailIds.MessageId(headers.GetValueOrDefault("In-Reply-To")),
                References = EmailIds.References(headers.GetValueOrDefault("References")),
            },
            Content = new InboundContent { Subject = OptionalString(message, "subject"), Text = text, Html = html },
            SentAt = OptionalTime(message, "sentDateTime") ?? OptionalTime(message, "receivedDateTime") ?? receivedAt,
            ReceivedAt = receivedAt,
        };
        var hasAttachments = message.TryGetProperty("hasAttachments", out var has) && has.ValueKind == JsonValueKind.True;
        return new InboundEmail(e, attachments, hasAttachments || attachments.Count > 0);
    }

    /// <summary>Header names compare case-insensitively; the first of a repeated header wins.</summary>
    private static Dictionary<string, string> Headers(JsonElement message)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!message.TryGetProperty("internetMessageHeaders", out var list) || list.ValueKind != JsonValueKind.Array) return headers;
        foreach (var header in list.EnumerateArray())
        {
            if (OptionalString(header, "name") is { } name && OptionalString(header, "value") is { } value) headers.TryAdd(name, value);
        }

        return headers;
    }

    private static (string? Text, string? Html) Body(JsonElement message)
    {
        if (OptionalObject(message, "body") is not { } body || OptionalString(body, "content") is not { } content) return (null, null);
        return string.Equals(OptionalString(body, "contentType"), "html", StringComparison.OrdinalIgnoreCase)
            ? (HtmlText.ToText(content), content)
            : (content, null);
    }

    /// <summary>With <c>$expand=attachments</c>: file and item attachments, with the bytes of file attachments (<c>contentBytes</c>).</summary>
    private static IReadOnlyList<EmailAttachment> Attachments(JsonElement message)
    {
        if (!message.TryGetProperty("attachments", out var list) || list.ValueKind != JsonValueKind.Array) return [];
        return [.. list.EnumerateArray().Select(a => new EmailAttachment(
            OptionalString(a, "name") ?? "attachment",
            OptionalString(a, "contentType") ?? "application/octet-stream",
            a.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number ? size.GetInt64() : 0,
            a.TryGetProperty("isInline", out var inline) && inline.ValueKind == JsonValueKind.True,
            // A file attachment carries its bytes when expanded; an item attachment (a mail, an event) does not.
            OptionalString(a, "contentBytes") is { Length: > 0 } bytes ? BinaryData.FromBytes(Convert.FromBase64String(bytes)) : null))];
    }
}
