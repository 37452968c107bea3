using InboxServerless.Azure;
using InboxServerless.Core.Application;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Functions;

/// <summary>The services every host of the functions needs: the function app in Azure and the local dev host alike.</summary>
public static class Composition
{
    public static IServiceCollection AddInbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddCosmosStores(configuration);
        services.AddSingleton<InboxAdmin>();
        services.AddSingleton<DirectoryAdmin>();
        return services;
    }
}
