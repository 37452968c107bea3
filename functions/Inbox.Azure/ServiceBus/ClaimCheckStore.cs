using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using InboxServerless.Azure.Blobs;

namespace InboxServerless.Azure.ServiceBus;

/// <summary>
/// The blobs of the claim-check pattern: an event too large for a Service Bus message is written here under its
/// message id, and the message carries only that name. Blobs are left for the container's lifecycle rule to expire:
/// a message may be redelivered until it is completed, so the consumer cannot delete the blob it read.
/// </summary>
public sealed class ClaimCheckStore(BlobContainerClient container)
{
    public BlobContainerClient Container { get; } = container;

    /// <summary>Writes (or rewrites: a redelivered webhook carries the same event) the blob <paramref name="name"/>.</summary>
    public async Task Put(string name, BinaryData content, CancellationToken ct)
    {
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = InboundMessageFormat.ContentType } };
        await Container.Upload(name, content, options, ct);
    }

    public async Task<BinaryData> Get(string name, CancellationToken ct)
    {
        try
        {
            var result = await Container.GetBlobClient(name).DownloadContentAsync(ct);
            return result.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new InvalidInboundMessageException($"The claim-check blob '{name}' in '{Container.Name}' does not exist.", e);
        }
    }
}
