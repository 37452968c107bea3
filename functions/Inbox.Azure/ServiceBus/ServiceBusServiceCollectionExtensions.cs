using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Azure.ServiceBus;

public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>
    /// The Service Bus adapter for <see cref="IInboundQueue"/> and the <see cref="InboundMessageReader"/> the consumer
    /// uses, configured from the <c>ServiceBus</c> section (<c>FullyQualifiedNamespace</c> with managed identity, or
    /// <c>ConnectionString</c>; <c>QueueName</c>, default <c>inbound-events</c>) and the <c>ClaimChecks</c> section
    /// (<c>BlobServiceUri</c> with managed identity, or <c>ConnectionString</c>; <c>ContainerName</c>, default
    /// <c>claim-checks</c>). Clients are created on first use, so a host that never enqueues needs no settings.
    /// </summary>
    public static IServiceCollection AddServiceBusQueue(this IServiceCollection services, IConfiguration configuration)
    {
        // Not validated on start: the clients are made on first use, and their factories name what is missing.
        var section = configuration.GetSection(ServiceBusQueueOptions.Section);
        services.AddSettings<ServiceBusQueueOptions>(section).PostConfigure(queue =>
        {
            // The Functions host also accepts the connection string as the value of "ServiceBus" itself.
            if (string.IsNullOrEmpty(queue.ConnectionString) && !string.IsNullOrEmpty(section.Value)) queue.ConnectionString = section.Value;
        });
        services.AddSettings<ClaimCheckOptions>(configuration.GetSection(ClaimCheckOptions.Section));

        services.AddSingleton(sp => CreateClient(sp.GetRequiredService<ServiceBusQueueOptions>()));
        services.AddSingleton(sp => new ClaimCheckStore(CreateContainer(sp.GetRequiredService<ClaimCheckOptions>())));
        services.AddSingleton<InboundMessageReader>();
        services.AddSingleton<IInboundQueue>(sp => new ServiceBusInboundQueue(
            sp.GetRequiredService<ServiceBusClient>().CreateSender(sp.GetRequiredService<ServiceBusQueueOptions>().QueueName),
            sp.GetRequiredService<ClaimCheckStore>(),
            sp.GetRequiredService<ServiceBusQueueOptions>()));
        return services;
    }

    private static ServiceBusClient CreateClient(ServiceBusQueueOptions options)
    {
        if (!string.IsNullOrEmpty(options.ConnectionString)) return new ServiceBusClient(options.ConnectionString);
        if (!string.IsNullOrEmpty(options.FullyQualifiedNamespace)) return new ServiceBusClient(options.FullyQualifiedNamespace, new DefaultAzureCredential());
        throw new InvalidOperationException("Set ServiceBus:FullyQualifiedNamespace or ServiceBus:ConnectionString.");
    }

    private static BlobContainerClient CreateContainer(ClaimCheckOptions options)
    {
        if (!string.IsNullOrEmpty(options.ConnectionString)) return new BlobContainerClient(options.ConnectionString, options.ContainerName);
        if (options.BlobServiceUri is not null)
            return new BlobServiceClient(options.BlobServiceUri, new DefaultAzureCredential()).GetBlobContainerClient(options.ContainerName);
        throw new InvalidOperationException("Set ClaimChecks:BlobServiceUri or ClaimChecks:ConnectionString.");
    }
}
