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
        // A wrong version fails when the host starts, not at the first send.
        services.AddSettings<MessengerGraphOptions>(configuration.GetSection(MessengerGraphOptions.Section))
            .Validate(options => options.HasGraphVersion, "Messenger:GraphVersion is not a Graph API version such as v23.0.")
            .ValidateOnStart();
        services.AddSingleton<IMessengerApi>(sp => new MessengerGraphApi(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) },
            sp.GetRequiredService<MessengerGraphOptions>()));
        return services;
    }
}
