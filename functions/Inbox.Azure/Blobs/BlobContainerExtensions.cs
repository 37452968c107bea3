using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace InboxServerless.Azure.Blobs;

public static class BlobContainerExtensions
{
    /// <summary>
    /// Uploads the blob <paramref name="name"/>, creating the container first if it is missing: the deployment creates
    /// it, but a fresh emulator or storage account may not have it yet.
    /// </summary>
    public static async Task Upload(this BlobContainerClient container, string name, BinaryData content, BlobUploadOptions options, CancellationToken ct)
    {
        try
        {
            await container.GetBlobClient(name).UploadAsync(content, options, ct);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: ct);
            await container.GetBlobClient(name).UploadAsync(content, options, ct);
        }
    }
}
