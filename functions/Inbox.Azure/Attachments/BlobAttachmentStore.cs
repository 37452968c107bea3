using System.Buffers.Text;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using InboxServerless.Core.Ports;
using InboxServerless.Azure.Blobs;

namespace InboxServerless.Azure.Attachments;

/// <summary>
/// Attachments as blobs named <c>{account}/{inbox}/{attachment id}</c>: the id is the content's digest, so a mail read
/// twice writes nothing new, and an inbox's attachments are one prefix to list or delete. The file name travels in the
/// blob's metadata (base64url: metadata is ASCII), the type as its content type.
/// </summary>
public sealed class BlobAttachmentStore(Lazy<BlobContainerClient> container, TimeSpan timeout) : IAttachmentStore
{
    private const string NameKey = "name";
    private const string InlineKey = "inline";

    public BlobAttachmentStore(BlobContainerClient container, TimeSpan timeout) : this(new Lazy<BlobContainerClient>(container), timeout)
    {
    }

    /// <summary>Made on first use: a host whose mail has no attachments needs no storage settings.</summary>
    public BlobContainerClient Container => container.Value;

    public async Task Put(string accountId, string inboxId, string attachmentId, AttachmentContent content, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = content.ContentType },
            Metadata = new Dictionary<string, string>
            {
                [NameKey] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(content.Name)),
                [InlineKey] = content.IsInline ? "true" : "false",
            },
            // Written once: the same id is the same bytes, so a blob that is there already is this one.
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await Container.Upload(BlobName(accountId, inboxId, attachmentId), BinaryData.FromBytes(content.Bytes), options, deadline.Token);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobAlreadyExists || e.Status == 409)
        {
        }
    }

    public async Task<StoredAttachment?> Open(string accountId, string inboxId, string attachmentId, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        try
        {
            var blob = Container.GetBlobClient(BlobName(accountId, inboxId, attachmentId));
            var result = (await blob.DownloadStreamingAsync(cancellationToken: deadline.Token)).Value;
            var metadata = result.Details.Metadata;
            var name = metadata.TryGetValue(NameKey, out var encoded) ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(encoded)) : "attachment";
            var inline = metadata.TryGetValue(InlineKey, out var flag) && flag == "true";
            return new StoredAttachment(name, result.Details.ContentType ?? "application/octet-stream", inline, result.Details.ContentLength, result.Content);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private CancellationTokenSource Deadline(CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        source.CancelAfter(timeout);
        return source;
    }

    private static string BlobName(string accountId, string inboxId, string attachmentId) => $"{accountId}/{inboxId}/{attachmentId}";
}
