using InboxServerless.Azure;
using InboxServerless.Azure.Notifications;
using InboxServerless.Core.Application;
using InboxServerless.Core.Channels.Messenger;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Functions;

/// <summary>
/// The services every host of the functions needs: the function app in Azure and the local dev host alike. What differs
/// (the queue: Service Bus or in process; the Durable Task engine) each host adds itself.
/// </summary>
public static class Composition
{
    public static IServiceCollection AddInbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddCosmosStores(configuration);
        services.AddSingleton<ChannelResolver>();
        services.AddSingleton<InboxAdmin>();
        services.AddSingleton<DirectoryAdmin>();
        services.AddSingleton<ConversationDesk>();
        services.AddSingleton(configuration.GetSection(MessengerOptions.Section).Get<MessengerOptions>() ?? new MessengerOptions());
        services.AddSingleton<MessengerInbound>();
        services.AddSingleton<RoutingActivities>();
        // Until the e-mail channel brings Azure Communication Services, mail is kept, not sent.
        services.AddSingleton<OutboxMailSender>();
        services.AddSingleton<IMailSender>(sp => sp.GetRequiredService<OutboxMailSender>());
        services.AddHttpClient<ISlackNotifier, SlackWebhookNotifier>();
        return services;
    }
}
