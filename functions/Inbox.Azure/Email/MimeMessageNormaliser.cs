using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using InboxServerless.Core.Domain;
using MimeKit;

namespace InboxServerless.Azure.Email;

/// <summary>
/// Turns a raw MIME message (mail forwarded to us, Gmail's <c>format=raw</c>) into an inbound event, with MimeKit. The
/// endpoints and the Gmail client that deliver the bytes are the e-mail channel's own work.
/// </summary>
public static class MimeMessageNormaliser
{
    /// <summary>Larger than providers deliver (Gmail and Office 365 take 25 MB by default, less once encoded): bounds the work of one message.</summary>
    public const int MaxBytes = 25 * 1024 * 1024;

    private static readonly Problem TooLarge = new(ProblemKind.TooLarge, "The message is too large.", $"A message is at most {MaxBytes} bytes.");

    public static Outcome<InboundEmail> Normalise(ReadOnlyMemory<byte> raw, string bindingKey, DateTimeOffset receivedAt)
    {
        if (raw.Length > MaxBytes) return TooLarge;
        if (raw.IsEmpty) return Problem.Invalid("$", "The message is empty.");

        MimeMessage message;
        try
        {
            message = MimeMessage.Load(Stream(raw));
        }
        catch (FormatException e) // MimeKit's ParseException
        {
            return Problem.Invalid("$", $"Not a MIME message: {e.Message}");
        }

        using (message)
            return ToEmail(message, raw.Span, bindingKey, receivedAt);
    }

    /// <summary>Gmail's <c>raw</c> field: the MIME message in base64url.</summary>
    public static Outcome<InboundEmail> NormaliseGmailRaw(string raw, string bindingKey, DateTimeOffset receivedAt)
    {
        if (raw.Length / 4L * 3 > MaxBytes) return TooLarge;
        try
        {
            return Normalise(Base64Url.DecodeFromChars(raw), bindingKey, receivedAt);
        }
        catch (FormatException)
        {
            return Problem.Invalid("raw", "Not base64url.");
        }
    }

    private static Outcome<InboundEmail> ToEmail(MimeMessage message, ReadOnlySpan<byte> raw, string bindingKey, DateTimeOffset receivedAt)
    {
        // A message without headers is what MimeKit makes of bytes that are not mail at all.
        if ((message.From.Mailboxes.FirstOrDefault() ?? message.Sender) is not { Address.Length: > 0 } from)
            return Problem.Invalid("from", "The message has no sender address.");

        var html = message.HtmlBody;
        // Inline parts an HTML body shows by their Content-ID (cid: URLs) are kept too, marked inline.
        var inline = message.BodyParts.OfType<MimePart>().Where(p => p is not TextPart && !p.IsAttachment && p.ContentId is not null);
        var attachments = message.Attachments.Concat(inline).Select(Describe).ToList();
        var e = new InboundEvent
        {
            Channel = ChannelKind.Email,
            Type = InboundEventType.Message,
            BindingKey = bindingKey,
            ExternalId = message.MessageId is { Length: > 0 } id ? EmailIds.Bracket(id) : ContentId(raw),
            Sender = new InboundSender(from.Address, string.IsNullOrWhiteSpace(from.Name) ? null : from.Name, from.Address),
            Thread = new ThreadHints
            {
                InReplyTo = message.InReplyTo is { Length: > 0 } inReplyTo ? EmailIds.Bracket(inReplyTo) : null,
                References = [.. message.References.Select(EmailIds.Bracket).Distinct()],
            },
            Content = new InboundContent
            {
                Subject = message.Subject,
                Text = message.TextBody ?? (html is null ? null : HtmlText.ToText(html)),
                Html = html,
            },
            // MimeKit gives MinValue when the Date header is missing or unreadable.
            SentAt = message.Date == DateTimeOffset.MinValue ? receivedAt : message.Date,
            ReceivedAt = receivedAt,
        };
        return new InboundEmail(e, attachments, attachments.Count > 0);
    }

    private static EmailAttachment Describe(MimeEntity entity)
    {
        // The decoded bytes travel with the description, for the intake to store (the message's bytes are in memory already).
        var content = new MemoryStream();
        switch (entity)
        {
            case MimePart part:
                part.Content?.DecodeTo(content);
                break;
            case MessagePart { Message: { } attached }:
                attached.WriteTo(content);
                break;
        }

        var name = entity.ContentDisposition?.FileName ?? entity.ContentType.Name
            ?? (entity is MessagePart ? "message.eml" : "attachment");
        return new EmailAttachment(name, entity.ContentType.MimeType, content.Length, !entity.IsAttachment,
            new BinaryData(content.GetBuffer().AsMemory(0, (int)content.Length)));
    }

    /// <summary>Without a Message-Id, the bytes identify the message, so a redelivery is still the same message.</summary>
    private static string ContentId(ReadOnlySpan<byte> raw) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(raw))}";

    private static MemoryStream Stream(ReadOnlyMemory<byte> raw) =>
        MemoryMarshal.TryGetArray(raw, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(raw.ToArray(), writable: false);
}
