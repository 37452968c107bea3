using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Application.Messenger;

/// <summary>A page connected: its name as Facebook has it, and the secret its access token is kept in.</summary>
public sealed record MessengerPageConnection(string PageId, string PageName, string TokenSecretName, bool GreetingSet);

/// <summary>
/// Connects a Facebook page for Messenger: exchanges the admin's user token for a long-lived one, reads the page's
/// (non-expiring) access token, keeps it as the channel's own secret (<see cref="SecretNames.MessengerPageToken"/>),
/// subscribes the app to the page's webhook fields and sets the greeting. Every step is idempotent, so a failed connection
/// is simply tried again. Meta's answer is the proof that the account manages the page; whether the page is free to be
/// proven (no other channel proved it) is the caller's rule (<see cref="Application.InboxUseCases.ProveChannel{T}"/>).
/// </summary>
public sealed class MessengerPageConnector(IMessengerApi api, ISecretStore secrets)
{
    /// <summary>The webhook fields the inbound side understands (messages, postbacks, opt-ins, deliveries, reads, echoes).</summary>
    public static readonly IReadOnlyList<string> WebhookFields =
        ["messages", "messaging_postbacks", "messaging_optins", "message_deliveries", "message_reads", "message_echoes"];

    /// <summary>Facebook shows at most 160 characters of a greeting.</summary>
    public const int MaxGreetingLength = 160;

    public async Task<Outcome<MessengerPageConnection>> Connect(
        string accountId, string channelId, string pageId, string userAccessToken, string? greeting, CancellationToken ct)
    {
        var v = new Validation()
            .Check(pageId is { Length: > 0 and <= 32 } && pageId.All(char.IsAsciiDigit), "pageId", "A page id is a number.")
            .Check(!string.IsNullOrWhiteSpace(userAccessToken), "userAccessToken", "A Facebook user access token is needed to connect a page.")
            .Check(greeting is null || greeting.Length <= MaxGreetingLength, "greeting", $"A greeting is at most {MaxGreetingLength} characters.");
        if (!v.IsValid) return Problem.Invalid(v.Errors);

        MessengerResult<UserToken> exchanged;
        try
        {
            exchanged = await api.ExchangeUserToken(userAccessToken, ct);
        }
        catch (InvalidOperationException e)
        {
            // IMessengerApi throws only for cancellation and a missing configuration (the app's id and secret).
            return new Problem(ProblemKind.Unavailable, "Connecting Messenger pages is not configured.", e.Message);
        }

        if (!exchanged.IsSuccess) return MessengerProblems.Connecting(ConnectStep.ExchangeToken, exchanged.Error!);

        var page = await api.GetPage(pageId, exchanged.Value!.AccessToken, ct);
        if (!page.IsSuccess) return MessengerProblems.Connecting(ConnectStep.ReadPage, page.Error!);
        if (page.Value!.Id != pageId)
            return Problem.Invalid("pageId", $"Facebook answered for page {page.Value.Id}, not {pageId}.");
        if (string.IsNullOrEmpty(page.Value.AccessToken))
            return Problem.Invalid("userAccessToken",
                $"The Facebook user cannot manage the page {pageId}, or did not grant the app pages_messaging and pages_manage_metadata.");
        var pageToken = page.Value.AccessToken;

        var secretName = SecretNames.MessengerPageToken(accountId, channelId);
        try
        {
            await secrets.Set(secretName, pageToken, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            return new Problem(ProblemKind.Unavailable, "The page's access token could not be stored.", e.Message);
        }

        var subscribed = await api.SubscribeApp(pageId, pageToken, WebhookFields, ct);
        if (!subscribed.IsSuccess) return MessengerProblems.Connecting(ConnectStep.Subscribe, subscribed.Error!);
        if (!subscribed.Value) return MessengerProblems.Connecting(ConnectStep.Subscribe, new MessengerError(MessengerErrorKind.Other, "Facebook did not confirm the subscription."));

        var greetingSet = false;
        if (!string.IsNullOrWhiteSpace(greeting))
        {
            var set = await api.SetGreeting(pageToken, greeting, ct);
            if (!set.IsSuccess) return MessengerProblems.Connecting(ConnectStep.SetGreeting, set.Error!);
            greetingSet = set.Value;
        }

        return new MessengerPageConnection(pageId, page.Value.Name, secretName, greetingSet);
    }

    /// <summary>
    /// Unsubscribes the app from the page (when its token still works) and deletes the channel's token, whatever Facebook
    /// answered: a page nobody holds gets its deliveries dropped anyway, and a token kept would be one nobody uses.
    /// </summary>
    /// <param name="unsubscribe">
    /// <c>false</c> when another channel holds the page by now: the app's subscription is its too, so only the token goes.
    /// </param>
    public async Task<Outcome<PageDisconnection>> Disconnect(string accountId, string channelId, string pageId, bool unsubscribe, CancellationToken ct)
    {
        if (pageId is not { Length: > 0 and <= 32 } || !pageId.All(char.IsAsciiDigit)) return Problem.Invalid("pageId", "A page id is a number.");
        var secretName = SecretNames.MessengerPageToken(accountId, channelId);
        var token = await secrets.Get(secretName, ct);
        if (token is null) return new PageDisconnection(false, null);
        if (!unsubscribe)
        {
            await secrets.Delete(secretName, ct);
            return new PageDisconnection(true, null);
        }

        var unsubscribed = await api.UnsubscribeApp(pageId, token, ct);
        await secrets.Delete(secretName, ct);
        // A token that no longer works cannot unsubscribe anything, and Meta stops delivering to it anyway.
        var error = unsubscribed.IsSuccess || unsubscribed.Error!.Kind == MessengerErrorKind.TokenExpired ? null : unsubscribed.Error;
        return new PageDisconnection(true, error);
    }

    /// <summary>Sets the page's greeting, or deletes it (<c>null</c>); a page not connected yet gets it when it is.</summary>
    /// <returns><c>false</c> when the page has no token: nothing was pushed.</returns>
    public async Task<Outcome<bool>> SetGreeting(string accountId, string channelId, string? greeting, CancellationToken ct)
    {
        string? token;
        try
        {
            token = await secrets.Get(SecretNames.MessengerPageToken(accountId, channelId), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            return new Problem(ProblemKind.Unavailable, "The page's access token could not be read: try again.", e.Message);
        }

        if (token is null) return false;
        var set = await api.SetGreeting(token, greeting, ct);
        if (!set.IsSuccess) return MessengerProblems.Updating(ConnectStep.SetGreeting, set.Error!);
        return set.Value ? true : MessengerProblems.Updating(ConnectStep.SetGreeting,
            new MessengerError(MessengerErrorKind.Other, "Facebook did not confirm the greeting."));
    }
}

/// <summary>A page disconnected: whether it had a token (now deleted), and why the app could not be unsubscribed.</summary>
public sealed record PageDisconnection(bool HadToken, MessengerError? UnsubscribeError);

public enum ConnectStep { ExchangeToken, ReadPage, Subscribe, SetGreeting, Unsubscribe }

/// <summary>
/// How Messenger's errors read as problems. There is no 502 kind yet: Meta's refusals that the caller cannot fix are
/// <see cref="ProblemKind.Unavailable"/>, and those that say something about the caller's input (an expired user token,
/// a page they do not manage) are <see cref="ProblemKind.Invalid"/>.
/// </summary>
public static class MessengerProblems
{
    public static Problem Connecting(ConnectStep step, MessengerError error)
    {
        var what = step switch
        {
            ConnectStep.ExchangeToken => "exchange the user access token",
            ConnectStep.ReadPage => "read the page and its access token",
            ConnectStep.Subscribe => "subscribe the app to the page's messages",
            ConnectStep.SetGreeting => "set the page's greeting",
            _ => "unsubscribe the app from the page",
        };
        return error.Kind switch
        {
            MessengerErrorKind.TokenExpired => Problem.Invalid("userAccessToken",
                $"Facebook refused the access token (it expired or was revoked): log in with Facebook again. ({error.Message})"),
            MessengerErrorKind.RateLimited => new Problem(ProblemKind.Unavailable, "Facebook is limiting requests: try again in a few minutes.",
                $"Could not {what}: {error.Message}"),
            MessengerErrorKind.Transient => new Problem(ProblemKind.Unavailable, "Facebook did not answer: try again.", $"Could not {what}: {error.Message}"),
            _ => step == ConnectStep.ReadPage
                ? Problem.Invalid("pageId", $"Facebook refused to {what}: {error.Message}")
                : Problem.Invalid("userAccessToken", $"Facebook refused to {what}: {error.Message}"),
        };
    }

    /// <summary>A change to a connected page (its greeting) that Facebook did not take; the page's token is ours, not the caller's.</summary>
    public static Problem Updating(ConnectStep step, MessengerError error)
    {
        var what = step == ConnectStep.SetGreeting ? "set the page's greeting" : "change the page";
        return error.Kind switch
        {
            MessengerErrorKind.TokenExpired => new Problem(ProblemKind.Conflict,
                "The page's access token expired or was revoked: connect the page again.", $"Could not {what}: {error.Message}"),
            MessengerErrorKind.RateLimited => new Problem(ProblemKind.Unavailable, "Facebook is limiting requests: try again in a few minutes.",
                $"Could not {what}: {error.Message}"),
            MessengerErrorKind.Transient => new Problem(ProblemKind.Unavailable, "Facebook did not answer: try again.", $"Could not {what}: {error.Message}"),
            _ => new Problem(ProblemKind.Conflict, $"Facebook refused to {what}.", error.Message),
        };
    }

    /// <summary>A Send API failure, after any retries.</summary>
    public static Problem Sending(MessengerError error) => error.Kind switch
    {
        MessengerErrorKind.WindowClosed => new Problem(ProblemKind.Conflict,
            "Messenger refused the reply: it is outside the allowed messaging window.", error.Message),
        MessengerErrorKind.UserUnavailable => new Problem(ProblemKind.Conflict,
            "The person cannot be reached on Messenger (they may have blocked the page).", error.Message),
        MessengerErrorKind.TokenExpired => new Problem(ProblemKind.Conflict,
            "The page's access token expired or was revoked: connect the page again.", error.Message),
        MessengerErrorKind.RateLimited => new Problem(ProblemKind.Unavailable,
            "Messenger is limiting this page's sends: try again in a few minutes.", error.Message),
        MessengerErrorKind.Transient => new Problem(ProblemKind.Unavailable, "Messenger did not answer: try again.", error.Message),
        _ => new Problem(ProblemKind.Unavailable, "Messenger refused the reply.", error.Message),
    };
}
