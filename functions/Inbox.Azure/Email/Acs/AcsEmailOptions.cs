namespace InboxServerless.Azure.Email.Acs;

/// <summary>
/// Configuration section <c>Email:Acs</c>: Azure Communication Services Email, the sender of the product's own mail
/// (verification messages, notices) and of forwarding inboxes' replies (docs/email-sending.md).
/// </summary>
public sealed class AcsEmailOptions
{
    public const string Section = "Email:Acs";

    /// <summary>The address the product's mail leaves from when nothing is configured (the dev host's outbox).</summary>
    public const string LocalSenderAddress = "inbox@localhost";

    /// <summary><c>https://&lt;resource&gt;.communication.azure.com</c>, reached with the app's managed identity (Entra ID token).</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>endpoint=…;accesskey=…</c> (HMAC signing). A secret: set it as a Key Vault reference, never in plain text.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The deployment's sender (<c>DoNotReply@&lt;guid&gt;.azurecomm.net</c>, or an address of a verified domain).</summary>
    public string SenderAddress { get; set; } = "";

    /// <summary>Domains verified in the ACS resource: a team address of one of them is its replies' sender.</summary>
    public List<string> VerifiedDomains { get; set; } = [];

    /// <summary>Each HTTP request to ACS, one try.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A whole send: the request, its retries and the polling until ACS says how it ended. Past it the queue retries.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a request that failed transiently (5xx, 408, no answer), and the first wait between them.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(800);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) || !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The sender address in effect: the configured one, else the local stand-in.</summary>
    public string EffectiveSenderAddress => string.IsNullOrWhiteSpace(SenderAddress) ? LocalSenderAddress : SenderAddress.Trim();
}
