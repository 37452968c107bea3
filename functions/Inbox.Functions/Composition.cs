using InboxServerless.Azure;
using InboxServerless.Azure.Attachments;
using InboxServerless.Azure.Email;
using InboxServerless.Azure.Email.Acs;
using InboxServerless.Azure.Email.Gmail;
using InboxServerless.Azure.Messenger;
using InboxServerless.Azure.Notifications;
using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Application.Setup;
using InboxServerless.Core.Ports;
using InboxServerless.Functions.Channels;
using InboxServerless.Functions.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        // Every HTTP function's budget and last-resort answers (Http/RequestBudget.cs), in both hosts.
        services.AddSettings<RequestBudgetOptions>(configuration.GetSection(RequestBudgetOptions.Section));
        services.AddSingleton<RequestBudget>();
        services.AddCosmosStores(configuration);
        services.AddSingleton<ChannelResolver>();
        // The queue's consumer: events are routed; mailbox changes are read first, by their provider's reader.
        services.AddSingleton<InboundEventConsumer>();
        services.AddSingleton<MailboxChanges>();
        services.AddSingleton<EmailIntake>();
        // Mail's attachments, in blobs (Attachments section; the dev host starts Azurite when none is named), and the
        // API that serves them to the inbox's members.
        services.TryAddAttachmentStore(configuration);
        services.AddSingleton<AttachmentUseCases>();
        // Forwarded mail: the webhook stores the raw message (Forwarding*, Inbox.Azure/Email/ForwardingInbound.cs), the
        // reader reads it back; the registrations (secret and code hashes) live in the secret store.
        services.AddSettings<ForwardingOptions>(configuration.GetSection(ForwardingOptions.Section));
        services.AddForwardedMailStore(configuration);
        services.AddSingleton<ForwardingRegistrations>();
        services.AddSingleton<ForwardingChannels>();
        services.AddSingleton<ForwardingChannelConnector>();
        services.AddSingleton<ForwardingInbound>();
        services.AddSingleton<IMailboxReader, ForwardingMailboxReader>();
        services.AddSingleton<InboxUseCases>();
        services.AddSingleton<DirectoryUseCases>();
        services.AddSingleton<ConversationUseCases>();
        // E-mail replies: stored and queued by the API, sent by the queue's consumer through each provider's sender.
        services.AddSingleton<IMailHtml, MailHtml>();
        services.AddSingleton<EmailReplies>();
        // The channel preview (POST /api/email-preview): the replies' own from-name, signature and sanitising.
        services.AddSingleton<EmailPreviews>();
        // Not validated on start: without the app secret the host runs, and the webhook answers 503 "not configured".
        services.AddSettings<MessengerOptions>(configuration.GetSection(MessengerOptions.Section));
        services.AddSingleton<MessengerInbound>();
        services.AddMessengerGraphApi(configuration);
        // Office 365 mailboxes through Microsoft Graph: the webhook, the reader, the connector and the subscriptions' timer.
        services.AddGraphMailboxes(configuration);
        // Page tokens: Key Vault in Azure (Program.cs); a host that names no store keeps them in memory.
        services.TryAddSingleton<ISecretStore, InMemorySecretStore>();
        services.AddSingleton<MessengerPageConnector>();
        services.AddSingleton<MessengerReplies>();
        services.AddSingleton<MessengerPageUseCases>();
        // The 7-day window timer (Timers/MessengerWindowFunctions.cs).
        services.AddSettings<WindowWatchOptions>(configuration.GetSection(WindowWatchOptions.Section));
        services.AddSingleton<MessengerWindowWatch>();
        // The Durable activities the function app's [ActivityTrigger] wrappers run: every one Core declares.
        foreach (var activity in DurableTasks.Activities) services.AddSingleton(activity);
        // The setup wizard: its use cases and the channels' handshakes (none is made yet).
        services.AddSettings<SetupWizardOptions>(configuration.GetSection("SetupWizard"));
        services.AddSingleton<SetupWizardUseCases>();
        // Every provider's handshake; each connector acts on its own kind of channel only.
        services.AddSingleton<MessengerChannelConnector>();
        // Gmail: its consent flow, push, reader (IMailboxReader), connector and watch renewal (docs/email-gmail.md).
        services.AddGmail(configuration);
        services.TryAddSingleton<IChannelConnector>(sp => new ChannelConnectors([
            sp.GetRequiredService<MessengerChannelConnector>(),
            sp.GetRequiredService<ForwardingChannelConnector>(),
            sp.GetRequiredService<Office365ChannelConnector>(),
            sp.GetRequiredService<GmailChannelConnector>()]));
        // Mail out: Azure Communication Services (Email:Acs), for the product's own mail and forwarding inboxes' replies.
        services.AddAcsEmail(configuration);
        // Every URL a user supplied is reached through the outbound guard (Inbox.Azure/Http/OutboundGuard.cs).
        services.AddSlackNotifier();
        return services;
    }

}
