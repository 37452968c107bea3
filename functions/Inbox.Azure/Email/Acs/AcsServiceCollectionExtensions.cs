using InboxServerless.Azure.Notifications;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InboxServerless.Azure.Email.Acs;

public static class AcsServiceCollectionExtensions
{
    /// <summary>
    /// Outgoing mail (<c>Email:Acs</c>, docs/email-sending.md): <see cref="IMailSender"/> is Azure Communication Services
    /// when the section names a resource, otherwise a sender that refuses, saying so; a host that registered its own
    /// first (the dev host's outbox) keeps it. Forwarding inboxes' replies go through that sender.
    /// </summary>
    public static IServiceCollection AddAcsEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<AcsEmailOptions>(configuration.GetSection(AcsEmailOptions.Section));
        services.TryAddSingleton(sp => new OutboxMailSender(sp.GetRequiredService<AcsEmailOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new AcsEmailClient(sp.GetRequiredService<AcsEmailOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IMailSender>(sp =>
        {
            var options = sp.GetRequiredService<AcsEmailOptions>();
            if (!options.IsConfigured) return ActivatorUtilities.CreateInstance<UnconfiguredMailSender>(sp);
            if (string.IsNullOrWhiteSpace(options.SenderAddress))
                throw new InvalidOperationException("Email:Acs:SenderAddress is required with Email:Acs:Endpoint or ConnectionString: the address ACS sends from (DoNotReply@<guid>.azurecomm.net or one of a verified domain).");
            return ActivatorUtilities.CreateInstance<AcsMailSender>(sp);
        });
        services.AddSingleton<IChannelMailSender, ForwardingReplySender>();
        return services;
    }
}
