using System.Text.RegularExpressions;

namespace InboxServerless.Azure.Messenger;

/// <summary>
/// Configuration section <c>Messenger</c> as the Graph API adapter reads it (the webhook reads the same section for
/// its <c>AppSecret</c> and <c>VerifyToken</c>).
/// </summary>
public sealed partial class MessengerGraphOptions
{
    public const string Section = "Messenger";

    /// <summary>The Meta app's id, for the token exchange.</summary>
    public string AppId { get; set; } = "";

    /// <summary>The Meta app's secret, for the token exchange (and <c>appsecret_proof</c>).</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The Graph API version: <c>v23.0</c> or <c>23.0</c>.</summary>
    public string GraphVersion { get; set; } = "v23.0";

    public string GraphBaseUrl { get; set; } = "https://graph.facebook.com/";

    /// <summary>
    /// Adds <c>appsecret_proof</c> (HMAC-SHA256 of the access token with the app secret) to calls made with a token, as
    /// apps with "Require App Secret" must.
    /// </summary>
    public bool AppSecretProof { get; set; }

    /// <summary><c>https://graph.facebook.com/v23.0/</c> (a method, so that the configuration binder leaves it alone).</summary>
    public bool HasGraphVersion => VersionPattern().IsMatch(GraphVersion.Trim());

    public Uri GraphBaseUri()
    {
        var version = GraphVersion.Trim();
        if (!HasGraphVersion)
            throw new InvalidOperationException($"Messenger:GraphVersion '{GraphVersion}' is not a Graph API version such as v23.0.");
        if (!version.StartsWith('v')) version = "v" + version;
        return new Uri(new Uri(GraphBaseUrl.EndsWith('/') ? GraphBaseUrl : GraphBaseUrl + "/"), version + "/");
    }

    [GeneratedRegex(@"^v?\d{1,3}\.\d{1,3}$")]
    private static partial Regex VersionPattern();
}
