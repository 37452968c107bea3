using System.Security.Cryptography;
using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Azure.Email.Gmail;

/// <summary>Where the admin's browser goes to grant the mailbox, and until when that link is good.</summary>
public sealed record GmailAuthorization(string ConsentUrl, DateTimeOffset ExpiresAt);

/// <summary>A Gmail channel connected: the mailbox granted, watched until <see cref="WatchExpiresAt"/> (renewed daily).</summary>
public sealed record GmailConnected(string InboxId, string ChannelId, string Address, DateTimeOffset WatchExpiresAt);

/// <summary>
/// Connects a Gmail channel with Google's OAuth 2.0 code flow: an admin asks for the consent URL; Google sends the
/// admin's browser back to the callback with a code, which is exchanged for tokens. The mailbox Google says was granted
/// must be the channel's address: that is the channel's proof of ownership (<see cref="InboxUseCases.ProveChannel{T}"/>).
/// Then the refresh token goes to the secret store and Gmail is asked to watch the inbox.
/// </summary>
public sealed class GmailConnection(
    GmailOptions options, GmailApi api, GmailAccessTokens tokens, GmailConsentState states, IGmailWatchStore watches,
    IInboxStore inboxes, InboxUseCases inboxUseCases, TimeProvider clock)
{
    public static readonly Problem NotConfigured = new(ProblemKind.Unavailable, "Gmail is not configured on this host.",
        "Set Gmail__ClientId, Gmail__ClientSecret, Gmail__RedirectUri and Gmail__TopicName (see docs/email-gmail.md).");

    private static readonly Problem NotAdmin = new(ProblemKind.Forbidden, "Only account admins can connect mailboxes.");

    private static readonly Problem BadState = new(ProblemKind.Invalid, "The consent's state is not valid.",
        "It was changed, or it is not this product's. Ask for a new consent URL.");

    private static readonly Problem ExpiredState = new(ProblemKind.Invalid, "The consent has expired.", "Ask for a new consent URL.");

    private static readonly Problem UsedState = Problem.Conflict("This consent was used already, or a newer one was asked for. Ask for a new consent URL.");

    private static readonly Problem OtherCaller = new(ProblemKind.Forbidden, "This consent was asked for by someone else.",
        "Only the admin who asked for the consent URL can complete it.");

    public async Task<Outcome<GmailAuthorization>> Authorize(Caller caller, string inboxId, string channelId, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return NotAdmin;
        if (await GmailChannel(caller.AccountId, inboxId, channelId, ct) is not { } email) return Problem.NotFound("The inbox or Gmail channel");
        if (!options.CanConnect) return NotConfigured;

        var expiresAt = clock.GetUtcNow() + options.AuthorizationLifetime;
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await watches.BeginAuthorization(caller.AccountId, channelId, nonce, expiresAt, ct);
        var state = states.Write(new GmailConsent(caller.AccountId, inboxId, channelId, caller.UserId, nonce, expiresAt));
        var query = string.Join('&', new Dictionary<string, string>
        {
            ["client_id"] = options.ClientId,
            ["redirect_uri"] = options.RedirectUri,
            ["response_type"] = "code",
            ["scope"] = $"{GmailApi.ReadScope} {GmailApi.SendScope}",
            // A refresh token, every time: the watch and the reads go on without the admin.
            ["access_type"] = "offline",
            ["prompt"] = "consent",
            ["login_hint"] = email.Address,
            ["state"] = state,
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        return new GmailAuthorization($"{options.ConsentUrl}?{query}", expiresAt);
    }

    public async Task<Outcome<GmailConnected>> Complete(Caller caller, string? code, string? state, string? error, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return NotAdmin;
        // A state first: the callback with none (or a stranger's) is a 400 whether or not this host is configured.
        if (states.Read(state) is not { } consent) return BadState;
        if (!options.CanConnect) return NotConfigured;
        if (consent.AccountId != caller.AccountId || consent.UserId != caller.UserId) return OtherCaller;
        if (consent.ExpiresAt <= clock.GetUtcNow()) return ExpiredState;
        if (error is not null) return new Problem(ProblemKind.Invalid, "Google did not grant access to the mailbox.", $"Google answered '{error}'.");
        if (string.IsNullOrEmpty(code)) return Problem.Invalid("code", "The callback carries no code.");
        if (!await watches.EndAuthorization(consent.AccountId, consent.ChannelId, consent.Nonce, ct)) return UsedState;

        return await inboxUseCases.ProveChannel(caller, consent.InboxId, consent.ChannelId, channel => Connect(consent, channel, code, ct), ct);
    }

    private async Task<Outcome<GmailConnected>> Connect(GmailConsent consent, Channel channel, string code, CancellationToken ct)
    {
        if (channel.Settings is not EmailChannel { Provider: EmailProvider.Gmail } email) return Problem.NotFound("The Gmail channel");
        try
        {
            GmailTokens granted;
            try
            {
                granted = await api.ExchangeCode(code, ct);
            }
            catch (GmailApiException e) when (e.Status is { } status && (int)status is >= 400 and < 500)
            {
                return new Problem(ProblemKind.Invalid, "Google refused the code.", "It was used or has expired: ask for a new consent URL.");
            }

            if (granted.Scope is { } scope && !scope.Split(' ').Contains(GmailApi.ReadScope))
                return new Problem(ProblemKind.Invalid, "Reading the mailbox was not granted.", $"Grant {GmailApi.ReadScope} on Google's consent page.");
            if (granted.RefreshToken is not { Length: > 0 })
                return new Problem(ProblemKind.Invalid, "Google gave no refresh token.", "Ask for a new consent URL and grant it again.");

            var profile = await api.Profile(granted.AccessToken, ct);
            if (!string.Equals(profile.EmailAddress.Trim(), email.Address.Trim(), StringComparison.OrdinalIgnoreCase))
                return new Problem(ProblemKind.Invalid, "The mailbox granted is not the channel's.",
                    $"Google granted {profile.EmailAddress}; sign in to Google as {email.Address} on the consent page.");

            await tokens.Keep(consent.AccountId, channel.Id, granted, ct);
            var watch = await api.Watch(granted.AccessToken, ct);
            await watches.Save(new GmailWatch(consent.AccountId, consent.InboxId, channel.Id, email.Address, watch.HistoryId, watch.ExpiresAt,
                clock.GetUtcNow()), null, ct);
            return new GmailConnected(consent.InboxId, channel.Id, email.Address, watch.ExpiresAt);
        }
        catch (Exception e) when (e is GmailApiException or HttpRequestException or TimeoutException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new Problem(ProblemKind.Unavailable, "Google could not be reached.", $"{e.GetType().Name}: try the consent again shortly.");
        }
    }

    private async Task<EmailChannel?> GmailChannel(string accountId, string inboxId, string channelId, CancellationToken ct) =>
        (await inboxes.FindByRequest(accountId, inboxId, ct))?.Value.FindChannel(channelId)?.Settings is EmailChannel { Provider: EmailProvider.Gmail } email
            ? email
            : null;
}
