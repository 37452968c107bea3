namespace InboxServerless.Core.Ports;

/// <summary>An attachment's bytes as a mail carried them, and what serving them needs.</summary>
/// <param name="IsInline">An image the HTML shows (<c>cid:</c>) rather than a file beside the text.</param>
public sealed record AttachmentContent(string Name, string ContentType, bool IsInline, ReadOnlyMemory<byte> Bytes);

/// <summary>A stored attachment, opened for reading; the caller disposes <see cref="Content"/>.</summary>
public sealed record StoredAttachment(string Name, string ContentType, bool IsInline, long Length, Stream Content);

/// <summary>
/// The bytes of e-mail attachments and inline images (blob storage in Azure, Azurite locally), per inbox: neither Cosmos
/// DB nor the queue carries them; a message references them by id (<see cref="Rules.AttachmentRules"/>).
/// </summary>
public interface IAttachmentStore
{
    /// <summary>
    /// Stores <paramref name="content"/> under its id. The id comes from the content, so a message read twice writes the
    /// same attachment once. Throws when the store cannot be reached.
    /// </summary>
    Task Put(string accountId, string inboxId, string attachmentId, AttachmentContent content, CancellationToken ct);

    /// <returns><c>null</c> when the inbox has no such attachment.</returns>
    Task<StoredAttachment?> Open(string accountId, string inboxId, string attachmentId, CancellationToken ct);
}
