using System.Security.Cryptography;
using System.Text;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Rules;

/// <summary>How an attachment is named, referenced and served.</summary>
public static class AttachmentRules
{
    /// <summary>One attachment: what Office 365 and Gmail accept for a whole message; the MIME reader bounds it too.</summary>
    public const int MaxBytes = 25 * 1024 * 1024;

    /// <summary>More than any mail needs; bounds the work (and the blobs) one message can cause.</summary>
    public const int MaxPerMessage = 100;

    /// <summary>
    /// A reply's files: at most this many, of at most <see cref="MaxReplyBytes"/> together, which every provider takes in
    /// one request (Graph's attachments without an upload session are limited to 3 MB; ACS's whole request to 10 MB).
    /// </summary>
    public const int MaxPerReply = 10;

    public const int MaxReplyBytes = 3 * 1024 * 1024;

    // Images a browser shows without running anything: SVG is a document with scripts, so it is never shown inline.
    private static readonly HashSet<string> InlineImages = new(StringComparer.OrdinalIgnoreCase)
        { "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp" };

    /// <summary>
    /// The id of an attachment: the digest of its name, type and bytes, so the same attachment read again (a redelivered
    /// mail) has the same id, and one inbox's copy of a file is one blob.
    /// </summary>
    public static string Id(AttachmentContent content)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{content.ContentType}\u001f{content.Name}\u001f{(content.IsInline ? 1 : 0)}\u001f"));
        hash.AppendData(content.Bytes.Span);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>An uploaded file's name: what file systems and mail clients take (NTFS and most others: 255).</summary>
    public const int MaxNameLength = 255;

    /// <summary>
    /// What is wrong with the name of a file an agent uploads, or <c>null</c>: a name, never a path (no <c>/</c>, <c>\</c>,
    /// <c>.</c> or <c>..</c>), and no control characters, nor the bidirectional overrides that make <c>invoice&lt;U+202E&gt;fdp.exe</c>
    /// look like a PDF in the contact's mail client.
    /// </summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "Give the file's name (?name=, or Content-Disposition's filename).";
        if (name.Length > MaxNameLength) return $"At most {MaxNameLength} characters.";
        if (name.Contains('/') || name.Contains('\\') || name.Trim() is "." or "..") return "A file name, not a path.";
        return name.Any(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            ? "No control characters." : null;
    }

    /// <summary>An id <see cref="Id"/> could have made: anything else is no attachment (and never reaches the store).</summary>
    public static bool IsId(string? id) => id is { Length: 64 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Where the API serves it: the message's reference, readable by the inbox's members only.</summary>
    public static string Url(string inboxId, string attachmentId) =>
        $"/api/inboxes/{Uri.EscapeDataString(inboxId)}/attachments/{attachmentId}";

    /// <summary>The attachment id of a URL <see cref="Url"/> made; <c>null</c> for any other URL.</summary>
    public static string? IdOf(string url)
    {
        var id = url[(url.LastIndexOf('/') + 1)..];
        return url.StartsWith("/api/inboxes/", StringComparison.Ordinal) && url.Contains("/attachments/", StringComparison.Ordinal) && IsId(id) ? id : null;
    }

    /// <summary>
    /// The type it is served as: the mail's, when it is a well-formed type; otherwise bytes. The browser is told not to
    /// guess (<c>nosniff</c>), so the declared type is what it gets.
    /// </summary>
    public static string ServedType(string contentType)
    {
        var type = contentType.Split(';', 2)[0].Trim();
        var slash = type.IndexOf('/');
        return slash > 0 && slash < type.Length - 1 && type.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-')
            ? type.ToLowerInvariant()
            : "application/octet-stream";
    }

    /// <summary>Downloaded, never shown in our origin, except an inline image of a type that cannot run.</summary>
    public static bool ShownInline(StoredAttachment attachment) =>
        attachment.IsInline && InlineImages.Contains(ServedType(attachment.ContentType));
}
