using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using InboxServerless.Core.Domain;

namespace InboxServerless.Azure.Messenger;

public static partial class MessengerPayload
{
    /// <summary>
    /// The common delivery read in one forward pass, without building a document: entries whose <c>id</c> comes before
    /// their <c>messaging</c>, and items that are messages (text, quick reply, echo) or kinds this product ignores.
    /// Anything else — postbacks, receipts, opt-ins, attachments, a missing or odd field, a repeated entry, id or message, broken JSON,
    /// too many updates — answers <c>null</c>, and <see cref="MessengerPayload.Parse"/> reads the document instead, which
    /// decides every shape. So this pass only ever gives the answer the document would give, sooner.
    /// </summary>
    private static List<InboundEvent>? TryReadMessages(ReadOnlySpan<byte> body, DateTimeOffset receivedAt)
    {
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;

            var isPage = false;
            List<InboundEvent>? events = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("object"u8))
                {
                    reader.Read();
                    isPage = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("page"u8);
                    if (!isPage) return null;
                }
                else if (reader.ValueTextEquals("entry"u8))
                {
                    if (events is not null) return null; // a repeated entry: the document keeps the last
                    events = [];
                    if (!ReadEntries(ref reader, events, receivedAt)) return null;
                }
                else reader.Skip();
            }

            // One value and nothing after it; reading on throws on broken JSON, which the document reports.
            return isPage && events is not null && !reader.Read() ? events : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static bool ReadEntries(ref Utf8JsonReader reader, List<InboundEvent> events, DateTimeOffset receivedAt)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
        var pages = new List<(string PageId, string BindingKey)>(1);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? bindingKey = null;
            var hasMessaging = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    if (bindingKey is not null || (bindingKey = ReadPage(ref reader, pages)) is null) return false;
                }
                else if (reader.ValueTextEquals("messaging"u8))
                {
                    if (bindingKey is null || hasMessaging || !ReadItems(ref reader, bindingKey, events, receivedAt)) return false;
                    hasMessaging = true;
                }
                else reader.Skip();
            }

            if (bindingKey is null) return false;
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool ReadItems(ref Utf8JsonReader reader, string bindingKey, List<InboundEvent> events, DateTimeOffset receivedAt)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (events.Count == MaxItems || !ReadItem(ref reader, bindingKey, receivedAt, out var e)) return false;
            if (e is not null) events.Add(e);
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>One messaging item, the reader on its start; <paramref name="e"/> is <c>null</c> for kinds not used.</summary>
    private static bool ReadItem(ref Utf8JsonReader reader, string bindingKey, DateTimeOffset receivedAt, out InboundEvent? e)
    {
        e = null;
        // The ids as received: only the person's becomes a string (the page's own id is the other one).
        ReadOnlySpan<byte> sender = default, recipient = default;
        var timestamp = receivedAt;
        Message? message = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("sender"u8))
            {
                if (!TryReadIdOf(ref reader, out sender)) return false;
            }
            else if (reader.ValueTextEquals("recipient"u8))
            {
                if (!TryReadIdOf(ref reader, out recipient)) return false;
            }
            else if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var ms)) return false;
                timestamp = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                if (message is not null || (message = ReadMessage(ref reader)) is null) return false;
            }
            else if (reader.ValueTextEquals("postback"u8) || reader.ValueTextEquals("read"u8) ||
                     reader.ValueTextEquals("delivery"u8) || reader.ValueTextEquals("optin"u8))
                return false; // kinds the document reads
            else reader.Skip();
        }

        if (sender.IsEmpty || recipient.IsEmpty) return false;
        if (message is { } m)
        {
            var person = Encoding.UTF8.GetString(m.IsEcho ? recipient : sender);
            e = Event(bindingKey, m.IsEcho ? InboundEventType.Echo : InboundEventType.Message, m.Mid, person, timestamp, receivedAt,
                new InboundContent { Text = m.Text, Payload = m.Payload, Attachments = [] });
        }

        return true;
    }

    private readonly record struct Message(string Mid, string? Text, string? Payload, bool IsEcho);

    private static Message? ReadMessage(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        string? mid = null, text = null, payload = null;
        var isEcho = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("mid"u8))
            {
                if (!TryReadOptionalString(ref reader, out mid)) return null;
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                if (!TryReadOptionalString(ref reader, out text)) return null;
            }
            else if (reader.ValueTextEquals("is_echo"u8))
            {
                reader.Read();
                isEcho = reader.TokenType == JsonTokenType.True;
                reader.Skip(); // whatever it is, only true is an echo
            }
            else if (reader.ValueTextEquals("quick_reply"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
                payload = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!reader.ValueTextEquals("payload"u8)) reader.Skip();
                    else if (!TryReadOptionalString(ref reader, out payload)) return null;
                }
            }
            else if (reader.ValueTextEquals("attachments"u8)) return null; // the document reads them
            else reader.Skip();
        }

        return mid is null ? null : new Message(mid, text, payload, isEcho);
    }

    /// <summary>
    /// <c>{"id": "…"}</c>: the id of a sender or recipient, as its UTF-8 bytes: 1 to 64 of them, valid and unescaped
    /// (so at most 64 characters). Others are left to the document.
    /// </summary>
    private static bool TryReadIdOf(scoped ref Utf8JsonReader reader, out ReadOnlySpan<byte> id)
    {
        id = default;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("id"u8))
            {
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.ValueSpan.Length is 0 or > 64 ||
                !Utf8.IsValid(reader.ValueSpan))
                return false;
            id = reader.ValueSpan;
        }

        return !id.IsEmpty;
    }

    /// <summary>
    /// An entry's page id (a string of 1 to 64 characters; numbers are left to the document) as its binding key,
    /// made once per page: a delivery names one page or a few.
    /// </summary>
    private static string? ReadPage(ref Utf8JsonReader reader, List<(string PageId, string BindingKey)> pages)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String) return null;
        foreach (var page in pages)
        {
            if (reader.ValueTextEquals(page.PageId)) return page.BindingKey;
        }

        if (reader.GetString() is not { Length: > 0 and <= 64 } pageId) return null;
        pages.Add((pageId, BindingKey(pageId)));
        return pages[^1].BindingKey;
    }

    private static bool TryReadOptionalString(ref Utf8JsonReader reader, out string? value)
    {
        reader.Read();
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }
}
