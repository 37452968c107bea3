namespace InboxServerless.Azure.Email.Gmail;

/// <summary>
/// Configuration section <c>Gmail</c>: the Google Cloud project's OAuth client and Pub/Sub topic, what the push
/// endpoint expects of Pub/Sub's token, and Google's base URLs (settings, so tests and the dev host point them at a
/// local fake over real HTTP).
/// </summary>
public sealed class GmailOptions
{
    public const string Section = "Gmail";

    public string ClientId { get; set; } = "";

    /// <summary>In Azure a Key Vault reference fills it; it also keys the signature of the consent's <c>state</c>.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Registered with the OAuth client: <c>https://{app}/api/gmail/callback</c>.</summary>
    public string RedirectUri { get; set; } = "";

    /// <summary><c>projects/{project}/topics/{topic}</c>, with gmail-api-push@system.gserviceaccount.com as a publisher.</summary>
    public string TopicName { get; set; } = "";

    /// <summary>The audience the push subscription puts in its token (by default the push endpoint's URL).</summary>
    public string PushAudience { get; set; } = "";

    /// <summary>The service account the push subscription signs as.</summary>
    public string PushServiceAccount { get; set; } = "";

    /// <summary>How far back a resync reads when Gmail no longer has the stored history id (<c>newer_than:{N}d</c>).</summary>
    public int ResyncDays { get; set; } = 7;

    /// <summary>How long the consent's <c>state</c> is good for.</summary>
    public TimeSpan AuthorizationLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Each call's deadline, retries included (the standard resilience handler's total timeout).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public string ApiBaseUrl { get; set; } = "https://gmail.googleapis.com/";
    public string TokenUrl { get; set; } = "https://oauth2.googleapis.com/token";
    public string ConsentUrl { get; set; } = "https://accounts.google.com/o/oauth2/v2/auth";

    /// <summary>Google's OIDC signing keys (JWKS), which sign Pub/Sub's push tokens.</summary>
    public string SigningKeysUrl { get; set; } = "https://www.googleapis.com/oauth2/v3/certs";

    public bool CanConnect => ClientId.Length > 0 && ClientSecret.Length > 0 && RedirectUri.Length > 0 && TopicName.Length > 0;

    public bool CanReceivePushes => PushAudience.Length > 0 && PushServiceAccount.Length > 0;

    public Uri ApiBase() => new(ApiBaseUrl.EndsWith('/') ? ApiBaseUrl : ApiBaseUrl + "/");
}
