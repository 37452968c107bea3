using InboxServerless.Azure.Http;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Azure.Notifications;

public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ISlackNotifier"/> posting through the <see cref="OutboundGuard"/>: the webhook URL is an admin's, so the
    /// address it resolves to is vetted at connect time. One <see cref="HttpClient"/> for the process.
    /// </summary>
    public static IServiceCollection AddSlackNotifier(this IServiceCollection services, OutboundGuard.Resolver? resolve = null) =>
        services.AddSingleton<ISlackNotifier>(_ => new SlackWebhookNotifier(
            new HttpClient(OutboundGuard.CreateHandler(resolve)) { Timeout = TimeSpan.FromSeconds(15) }));
}
