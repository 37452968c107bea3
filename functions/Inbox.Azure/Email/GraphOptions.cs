using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Identity;

namespace InboxServerless.Azure.Email;

/// <summary>
/// Configuration section <c>Graph</c>: the multi-tenant Entra app that reads Office 365 mailboxes with application
/// permissions, its credential (one of a client secret, a certificate, or a managed identity with a federated
/// credential), the public URLs Graph notifies, and the margins of the subscriptions' upkeep. Secrets come from Key Vault
/// references in Azure; none is kept in Cosmos.
/// </summary>
public sealed class GraphOptions
{
    public const string Section = "Graph";

    /// <summary>Graph's root with its version; the dev host and tests point it at a local fake Graph.</summary>
    public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";

    /// <summary>The app's (client) id, the same in every tenant that consented.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>A client secret of the app (a Key Vault reference in Azure).</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>A certificate of the app with its private key: base64 PKCS#12, as a Key Vault certificate reference gives it.</summary>
    public string ClientCertificate { get; set; } = "";

    /// <summary>
    /// Sign in as the app with a federated credential: a token of the function app's managed identity (this client id for
    /// a user-assigned one, empty for the system-assigned) is the app's client assertion. Used when no secret or certificate is set.
    /// </summary>
    public bool UseManagedIdentity { get; set; }

    public string ManagedIdentityClientId { get; set; } = "";

    /// <summary>The public URL of <c>POST /api/webhooks/graph</c>, as Graph reaches it (https).</summary>
    public string NotificationUrl { get; set; } = "";

    /// <summary>The public URL of <c>POST /api/webhooks/graph/lifecycle</c>.</summary>
    public string LifecycleNotificationUrl { get; set; } = "";

    /// <summary>The deadline of every Graph call, retries of throttled calls included.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A full resync (no delta link yet, or Graph answered 410 Gone) reads the messages received this far back.</summary>
    public TimeSpan ResyncWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The timer renews a subscription that lapses within this margin.</summary>
    public TimeSpan RenewalMargin { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The timer catches up a mailbox not heard of (no notification, no catch-up) for this long.</summary>
    public TimeSpan SilenceThreshold { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long the webhook keeps a subscription's clientState in memory (it answers in milliseconds).</summary>
    public TimeSpan ClientStateCacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where the tenant's admin grants the app its permissions.</summary>
    public string AdminConsentUrl(string tenantId) =>
        $"https://login.microsoftonline.com/{Uri.EscapeDataString(tenantId)}/adminconsent?client_id={Uri.EscapeDataString(ClientId)}";
}

/// <summary>
/// The app's credential in one tenant: application permissions are granted per tenant, so a token is per tenant. A seam:
/// tests and the dev host's fake Graph give a credential of their own.
/// </summary>
public interface IGraphCredentials
{
    /// <exception cref="InvalidOperationException">No credential is configured.</exception>
    TokenCredential For(string tenantId);
}

/// <summary>The configured credential of <see cref="GraphOptions"/>: a secret, else a certificate, else a federated managed identity.</summary>
public sealed class GraphCredentials(GraphOptions options) : IGraphCredentials
{
    private readonly Lazy<ManagedIdentityCredential> identity = new(() => string.IsNullOrEmpty(options.ManagedIdentityClientId)
        ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
        : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId)));

    /// <summary>The audience of a managed identity's token that Entra takes as a federated client assertion.</summary>
    private static readonly TokenRequestContext ExchangeScope = new(["api://AzureADTokenExchange/.default"]);

    public TokenCredential For(string tenantId)
    {
        if (string.IsNullOrEmpty(options.ClientId)) throw NotConfigured();
        if (!string.IsNullOrEmpty(options.ClientSecret)) return new ClientSecretCredential(tenantId, options.ClientId, options.ClientSecret);
        if (!string.IsNullOrEmpty(options.ClientCertificate))
            return new ClientCertificateCredential(tenantId, options.ClientId,
                X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(options.ClientCertificate), null));
        if (options.UseManagedIdentity)
            return new ClientAssertionCredential(tenantId, options.ClientId,
                async ct => (await identity.Value.GetTokenAsync(ExchangeScope, ct)).Token);
        throw NotConfigured();
    }

    private static InvalidOperationException NotConfigured() => new(
        "Office 365 is not configured on this host: set Graph__ClientId and one of Graph__ClientSecret, Graph__ClientCertificate or Graph__UseManagedIdentity.");
}
