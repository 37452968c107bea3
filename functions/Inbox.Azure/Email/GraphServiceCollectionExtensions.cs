using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InboxServerless.Azure.Email;

public static class GraphServiceCollectionExtensions
{
    /// <summary>
    /// Office 365 mailboxes through Microsoft Graph, from the <c>Graph</c> section: the client, the webhook's use case, the
    /// mailbox reader, the subscriptions' upkeep. Not validated on start: without a credential the host runs, connecting
    /// a mailbox answers 503 and the webhook still answers Graph (it never calls Graph).
    /// </summary>
    public static IServiceCollection AddGraphMailboxes(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<GraphOptions>(configuration.GetSection(GraphOptions.Section))
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.IsLoopback),
                "Graph:BaseUrl is not an https URL (http only on the loopback, for a local fake).")
            .ValidateOnStart();
        // A seam: the dev host and tests put a credential of their own (a local fake Graph takes any token).
        services.TryAddSingleton<IGraphCredentials, GraphCredentials>();
        services.AddSingleton(sp => new GraphMailboxApi(sp.GetRequiredService<GraphOptions>(), sp.GetRequiredService<IGraphCredentials>()));
        services.AddSingleton<IGraphMailboxes>(sp => sp.GetRequiredService<GraphMailboxApi>());
        services.AddSingleton(sp => sp.GetRequiredService<GraphOptions>() is var o ? new SubscriptionUpkeepPolicy(o.RenewalMargin, o.SilenceThreshold) : null!);
        services.AddSingleton<GraphSubscriptions>();
        services.AddSingleton<GraphSubscriptionCache>();
        services.AddSingleton<GraphInbound>();
        services.AddSingleton<IMailboxReader, GraphMailboxReader>();
        services.AddSingleton<Office365ChannelConnector>();
        services.AddSingleton<Office365UseCases>();
        services.AddSingleton<MailboxSubscriptionUpkeep>();
        return services;
    }
}
