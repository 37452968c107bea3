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
        var options = configuration.GetSection(CosmosStoreOptions.Section).Get<CosmosStoreOptions>() ?? new CosmosStoreOptions();
        services.AddSingleton(options);
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
        return services;
    }
}
