using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InboxServerless.Azure.Email.Gmail;

public static class GmailServiceCollectionExtensions
{
    public const string HttpClientName = "gmail";

    /// <summary>
    /// Gmail, configured from the <c>Gmail</c> section: the REST client on one <see cref="HttpClient"/> with the standard
    /// resilience handler (retries with backoff, a deadline per attempt and per call), the push's token check on Google's
    /// keys, the consent flow, the mailbox reader, the channel connector and the watch renewal. Not validated on start:
    /// without the settings the host runs, and Gmail's endpoints answer 503 "not configured".
    /// </summary>
    public static IServiceCollection AddGmail(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(GmailOptions.Section);
        services.AddSettings<GmailOptions>(section);
        var callTimeout = section.GetValue<TimeSpan?>(nameof(GmailOptions.CallTimeout)) ?? new GmailOptions().CallTimeout;
        services.AddHttpClient(HttpClientName).AddStandardResilienceHandler(resilience =>
        {
            resilience.TotalRequestTimeout.Timeout = callTimeout;
            resilience.AttemptTimeout.Timeout = TimeSpan.FromTicks(Math.Min(callTimeout.Ticks, TimeSpan.FromSeconds(10).Ticks));
            resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * resilience.AttemptTimeout.Timeout.Ticks));
        });
        services.TryAddSingleton(sp => new GmailApi(Client(sp), sp.GetRequiredService<GmailOptions>()));
        services.TryAddSingleton<IGoogleSigningKeys>(sp =>
            new GoogleSigningKeys(Client(sp), sp.GetRequiredService<GmailOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IGmailWatchStore, CosmosGmailWatchStore>();
        services.AddSingleton<GooglePushToken>();
        services.AddSingleton<GmailInbound>();
        services.AddSingleton<GmailAccessTokens>();
        services.AddSingleton<GmailConsentState>();
        services.AddSingleton<GmailConnection>();
        services.AddSingleton<GmailChannelConnector>();
        services.AddSingleton<GmailWatchRenewal>();
        services.AddSingleton<IMailboxReader, GmailMailboxReader>();
        return services;
    }

    private static HttpClient Client(IServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
}
