using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Azure.Email;

public static class ForwardedMailServiceCollectionExtensions
{
    /// <summary>
    /// The blob container of forwarded messages, from the <c>ForwardedMail</c> section (<see cref="ForwardedMailOptions"/>).
    /// Made on first use, so a host that never receives forwarded mail needs no settings; without any, the first
    /// delivery is a 503 that names what to set.
    /// </summary>
    public static IServiceCollection AddForwardedMailStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<ForwardedMailOptions>(configuration.GetSection(ForwardedMailOptions.Section));
        services.AddSingleton(sp => new ForwardedMailStore(new Lazy<BlobContainerClient>(() => CreateContainer(sp.GetRequiredService<ForwardedMailOptions>()))));
        return services;
    }

    private static BlobContainerClient CreateContainer(ForwardedMailOptions options)
    {
        if (!string.IsNullOrEmpty(options.ConnectionString)) return new BlobContainerClient(options.ConnectionString, options.ContainerName);
        if (options.BlobServiceUri is not null)
            return new BlobServiceClient(options.BlobServiceUri, new DefaultAzureCredential()).GetBlobContainerClient(options.ContainerName);
        throw new InvalidOperationException("Set ForwardedMail:BlobServiceUri or ForwardedMail:ConnectionString.");
    }
}
