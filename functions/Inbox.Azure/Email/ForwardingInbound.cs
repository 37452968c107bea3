using System.Security.Cryptography;
using System.Text;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using MimeKit;

namespace InboxServerless.Azure.Email;

/// <summary>A forwarded message accepted: queued under the digest of its bytes.</summary>
public sealed record ForwardedReceipt(string Digest);

/// <summary>
/// Receives a forwarded message at <c>POST /api/webhooks/email/{channelId}</c>: HTTP Basic with the channel's inbound
/// secret as the password, then the raw message (<c>message/rfc822</c>, or an inbound-parse service's
/// <c>multipart/form-data</c> with it in the <c>email</c> field). The webhook does not parse the message: it stores the
/// bytes under their digest and queues a mailbox change naming them; the consumer's reader does the rest. Acknowledged
/// only once queued: a store or queue that fails is a 503 and the sender delivers again.
/// </summary>
public sealed class ForwardingInbound(ForwardingRegistrations registrations, ForwardedMailStore store, IInboundQueue queue, TimeProvider clock)
{
    /// <summary>The form field inbound-parse services put the raw message in (SendGrid's "POST the raw, full MIME message").</summary>
    public const string FormField = "email";

    /// <summary>Mailgun's, for a route that forwards to a URL ending in <c>mime</c>.</summary>
    public const string MailgunFormField = "body-mime";

    /// <summary>A form carries the message and a few small fields besides: room for those, not for a second message.</summary>
    public const int MaxBodyBytes = MimeMessageNormaliser.MaxBytes + 1024 * 1024;

    /// <summary>
    /// An unknown channel is answered as a wrong secret is: a 404 would tell anyone which channel ids exist, and a channel
    /// id is in every URL an admin pastes into a provider's settings.
    /// </summary>
    public static readonly Problem Unauthenticated = new(ProblemKind.Unauthenticated, "The inbound secret is missing or wrong.",
        "Send HTTP Basic authentication with the channel's inbound secret as the password (any user name).");

    private static readonly Problem NotMime = Problem.Invalid("$", "Not a MIME message: it has no header before its first blank line.");

    public async Task<Outcome<ForwardingRegistration>> Authenticate(string channelId, string? authorization, CancellationToken ct)
    {
        if (BasicPassword(authorization) is not { } password) return Unauthenticated;
        ForwardingRegistration? registration;
        try
        {
            registration = await registrations.Find(channelId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            return Unavailable(e);
        }

        return registration is not null && ForwardingRules.Matches(password, registration.SecretHash) ? registration : Unauthenticated;
    }

    public async Task<Outcome<ForwardedReceipt>> Receive(
        ForwardingRegistration registration, string? contentType, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var raw = RawMessage(contentType, body);
        if (!raw.IsSuccess) return raw.Problem!;
        if (raw.Value.Length > MimeMessageNormaliser.MaxBytes) return TooLarge;
        if (!StartsWithHeader(raw.Value.Span)) return NotMime;

        var digest = Convert.ToHexStringLower(SHA256.HashData(raw.Value.Span));
        var now = clock.GetUtcNow();
        var inbound = new MailboxChange(EmailProvider.Forwarding, MailboxChangeKind.NewMail,
            registration.AccountId, registration.InboxId, registration.ChannelId, Reference: digest).Queued(registration.Address, digest, now);
        try
        {
            await store.Put(digest, raw.Value, ct);
            await queue.Enqueue([inbound], ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Unavailable(e);
        }

        return new ForwardedReceipt(digest);
    }

    private static readonly Problem TooLarge = new(ProblemKind.TooLarge, "The message is too large.",
        $"A message is at most {MimeMessageNormaliser.MaxBytes} bytes.");

    private static Problem Unavailable(Exception e) => new(ProblemKind.Unavailable, "The message could not be queued.",
        $"{e.GetType().Name}: the store or the queue is unavailable; deliver the message again.");

    /// <summary>The password of <c>Authorization: Basic base64(user:password)</c>; <c>null</c> for anything else.</summary>
    public static string? BasicPassword(string? authorization)
    {
        const string scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[scheme.Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 || colon == decoded.Length - 1 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The raw message out of the body, by its content type.</summary>
    public static Outcome<ReadOnlyMemory<byte>> RawMessage(string? contentType, ReadOnlyMemory<byte> body)
    {
        if (contentType is null || !ContentType.TryParse(contentType, out var type))
            return Unsupported(contentType);
        if (type.IsMimeType("message", "rfc822")) return body;
        if (!type.IsMimeType("multipart", "form-data")) return Unsupported(contentType);
        if (string.IsNullOrEmpty(type.Boundary)) return Problem.Invalid("$", "The form has no boundary.");

        MimeEntity form;
        try
        {
            form = MimeEntity.Load(type, new MemoryStream(body.ToArray(), writable: false));
        }
        catch (FormatException)
        {
            return Problem.Invalid("$", "The form cannot be read.");
        }

        using (form)
        {
            var field = form is Multipart parts
                ? parts.FirstOrDefault(p => p.ContentDisposition?.Parameters["name"] is FormField or MailgunFormField)
                : null;
            var raw = new MemoryStream();
            switch (field)
            {
                case MimePart part:
                    part.Content?.DecodeTo(raw);
                    break;
                case MessagePart { Message: { } message }:
                    message.WriteTo(raw);
                    break;
                default:
                    return Problem.Invalid(FormField, $"The form has no '{FormField}' field with the raw message.");
            }

            return new ReadOnlyMemory<byte>(raw.GetBuffer(), 0, (int)raw.Length);
        }
    }

    private static Problem Unsupported(string? contentType) => new(ProblemKind.UnsupportedMediaType, "Send the raw message.",
        $"Content-Type '{contentType}' is neither message/rfc822 nor multipart/form-data with an '{FormField}' field.");

    /// <summary>
    /// Cheap and early: a message starts with a header field (a name of printable characters, a colon). Bytes that do not
    /// are refused here; a message that passes but still cannot be read is dead-lettered by the reader.
    /// </summary>
    public static bool StartsWithHeader(ReadOnlySpan<byte> raw)
    {
        // An mbox "From " line some tools leave before the headers.
        if (raw.StartsWith("From "u8) && raw.IndexOf((byte)'\n') is var end and > 0) raw = raw[(end + 1)..];
        for (var i = 0; i < raw.Length && i < 1000; i++)
        {
            var b = raw[i];
            if (b == ':') return i > 0;
            if (b is < 33 or > 126) return false;
        }

        return false;
    }
}
