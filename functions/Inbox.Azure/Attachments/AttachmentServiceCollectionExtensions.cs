using Azure.Identity;
using Azure.Storage.Blobs;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InboxServerless.Azure.Attachments;

public static class AttachmentServiceCollectionExtensions
{
    /// <summary>
    /// The blob store of <see cref="IAttachmentStore"/>, from the <c>Attachments</c> section (<c>BlobServiceUri</c> with
    /// managed identity, or <c>ConnectionString</c>; <c>ContainerName</c>, default <c>attachments</c>). The client is made
    /// on first use, so a host that never stores an attachment needs no settings.
    /// </summary>
    /// <remarks>A store registered before (the dev host's own) is kept.</remarks>
    public static IServiceCollection TryAddAttachmentStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<AttachmentStoreOptions>(configuration.GetSection(AttachmentStoreOptions.Section));
        services.TryAddSingleton<IAttachmentStore>(sp =>
        {
            var options = sp.GetRequiredService<AttachmentStoreOptions>();
            return new BlobAttachmentStore(new Lazy<BlobContainerClient>(() => CreateContainer(options)), options.Timeout);
        });
        return services;
    }

    private static BlobContainerClient CreateContainer(AttachmentStoreOptions options)
    {
        if (!string.IsNullOrEmpty(options.ConnectionString)) return new BlobContainerClient(options.ConnectionString, options.ContainerName);
        if (options.BlobServiceUri is not null)
            return new BlobServiceClient(options.BlobServiceUri, new DefaultAzureCredential()).GetBlobContainerClient(options.ContainerName);
        throw new InvalidOperationException("Set Attachments:BlobServiceUri or Attachments:ConnectionString.");
    }
}
