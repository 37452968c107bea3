using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Azure;

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
        var section = configuration.GetSection(ServiceBusQueueOptions.Section);
        var queue = section.Get<ServiceBusQueueOptions>() ?? new ServiceBusQueueOptions();
        // The Functions host also accepts the connection string as the value of "ServiceBus" itself.
        if (string.IsNullOrEmpty(queue.ConnectionString) && !string.IsNullOrEmpty(section.Value)) queue.ConnectionString = section.Value;
        var claimChecks = configuration.GetSection(ClaimCheckOptions.Section).Get<ClaimCheckOptions>() ?? new ClaimCheckOptions();

        services.AddSingleton(queue);
        services.AddSingleton(claimChecks);
        services.AddSingleton(_ => CreateClient(queue));
        services.AddSingleton(_ => new ClaimCheckStore(CreateContainer(claimChecks)));
        services.AddSingleton<InboundMessageReader>();
        services.AddSingleton<IInboundQueue>(sp => new ServiceBusInboundQueue(
            sp.GetRequiredService<ServiceBusClient>().CreateSender(queue.QueueName),
            sp.GetRequiredService<ClaimCheckStore>(),
            queue));
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
