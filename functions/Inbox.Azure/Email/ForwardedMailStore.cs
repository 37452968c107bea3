using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using InboxServerless.Azure.Blobs;

namespace InboxServerless.Azure.Email;

/// <summary>
/// Configuration section <c>ForwardedMail</c>: where forwarded messages wait for the queue's consumer. A blob service
/// (<c>BlobServiceUri</c> with managed identity, or <c>ConnectionString</c>; Azurite locally) and <c>ContainerName</c>.
/// </summary>
public sealed class ForwardedMailOptions
{
    public const string Section = "ForwardedMail";
    public const string DefaultContainerName = "forwarded-mail";

    public Uri? BlobServiceUri { get; set; }

    public string? ConnectionString { get; set; }

    public string ContainerName { get; set; } = DefaultContainerName;
}

/// <summary>
/// The raw bytes of forwarded messages, named by their SHA-256, so a redelivered message is the same blob. The webhook
/// writes them and queues only the name (a message is up to 25 MB; a queue message 256 KB); the consumer reads them.
/// Blobs are left for the container's lifecycle rule to expire, as claim checks are: a change may be redelivered.
/// </summary>
public sealed class ForwardedMailStore(Lazy<BlobContainerClient> container)
{
    public ForwardedMailStore(BlobContainerClient container)
        : this(new Lazy<BlobContainerClient>(container))
    {
    }

    public BlobContainerClient Container => container.Value;

    public async Task Put(string name, ReadOnlyMemory<byte> raw, CancellationToken ct)
    {
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "message/rfc822" } };
        await Container.Upload(name, new BinaryData(raw), options, ct);
    }

    /// <returns><c>null</c> when there is no such blob (expired, or never written).</returns>
    public async Task<BinaryData?> Get(string name, CancellationToken ct)
    {
        try
        {
            return (await Container.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
