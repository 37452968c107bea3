using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Azure;

public static class ServiceCollectionExtensions
{
    /// <summary>The Cosmos DB adapters for the store ports, configured from the <c>Cosmos</c> section.</summary>
    public static IServiceCollection AddCosmosStores(this IServiceCollection services, IConfiguration configuration)
    {
        // Every host needs its store: without one it fails at start, not at its first request.
        services.AddSettings<CosmosStoreOptions>(configuration.GetSection(CosmosStoreOptions.Section))
            .Validate(options => !string.IsNullOrEmpty(options.ConnectionString) || !string.IsNullOrEmpty(options.Endpoint),
                "Set Cosmos:ConnectionString or Cosmos:Endpoint.")
            .ValidateOnStart();
        services.AddSingleton<CosmosRequestCounter>();
        services.AddSingleton<CosmosContainers>();
        return services.AddCosmosStoreAdapters();
    }

    /// <summary>The store ports over <see cref="CosmosContainers"/>, which the caller registers (tests: one per test database).</summary>
    public static IServiceCollection AddCosmosStoreAdapters(this IServiceCollection services)
    {
        services.AddSingleton<IInboxStore, CosmosInboxStore>();
        services.AddSingleton<IChannelBindingStore, CosmosChannelBindingStore>();
        services.AddSingleton<IDirectoryStore, CosmosDirectoryStore>();
        services.AddSingleton<IContactStore, CosmosContactStore>();
        services.AddSingleton<IConversationStore, CosmosConversationStore>();
        services.AddSingleton<ITicketStore, CosmosTicketStore>();
        services.AddSingleton<IMailboxSubscriptionStore, CosmosMailboxSubscriptionStore>();
        return services;
    }
}
