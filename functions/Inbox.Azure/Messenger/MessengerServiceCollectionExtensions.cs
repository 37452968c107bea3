using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Azure.Messenger;

public static class MessengerServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="IMessengerApi"/> on the Graph API, configured from the <c>Messenger</c> section (<c>AppId</c>,
    /// <c>AppSecret</c>, <c>GraphVersion</c>, <c>AppSecretProof</c>). One <see cref="HttpClient"/> for the process, its
    /// connections renewed every few minutes so DNS changes are seen.
    /// </summary>
    public static IServiceCollection AddMessengerGraphApi(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(MessengerGraphOptions.Section).Get<MessengerGraphOptions>() ?? new MessengerGraphOptions();
        options.GraphBaseUri(); // a wrong version fails at start, not at the first send
        services.AddSingleton(options);
        services.AddSingleton<IMessengerApi>(_ => new MessengerGraphApi(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) },
            options));
        return services;
    }
}
