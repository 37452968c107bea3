using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>
/// A text the Send API accepts: not blank, at most 2,000 characters (UTF-16 code units, the stricter count). Only
/// <see cref="Create"/> makes one, so a text that is too long is refused before any call is made.
/// </summary>
public sealed class MessengerText
{
    public const int MaxLength = 2_000;

    private MessengerText(string value) => Value = value;

    public string Value { get; }

    public static Outcome<MessengerText> Create(string? text, string field = "text")
    {
        if (string.IsNullOrWhiteSpace(text)) return Problem.Invalid(field, "A Messenger message needs a text.");
        if (text.Length > MaxLength)
            return Problem.Invalid(field, $"A Messenger message is at most {MaxLength:N0} characters; this one has {text.Length:N0}.");
        return new MessengerText(text);
    }

    public override string ToString() => Value;
}

/// <summary>What a Graph API error means to us (docs/wire-contracts.md#meta-messenger-the-send-api, Errors).</summary>
public enum MessengerErrorKind
{
    /// <summary>Code 10 with subcode 2018278: sent outside the allowed window. Permanent.</summary>
    WindowClosed,

    /// <summary>Code 551 or subcode 1545041: the person is not available (blocked the page, left Messenger). Permanent.</summary>
    UserUnavailable,

    /// <summary>Codes 4, 17, 32, 613 (and HTTP 429): retry later with backoff.</summary>
    RateLimited,

    /// <summary>Code 190: the access token expired or was revoked; the page must be connected again.</summary>
    TokenExpired,

    /// <summary>HTTP 5xx, codes 1 and 2, or no answer at all: retry.</summary>
    Transient,

    /// <summary>Anything else (permissions, bad parameters, …): permanent.</summary>
    Other,
}

/// <summary>A failed Graph call: its kind, Meta's message, and the raw numbers for the log.</summary>
public sealed record MessengerError(
    MessengerErrorKind Kind,
    string Message,
    int? HttpStatus = null,
    int? Code = null,
    int? Subcode = null,
    string? TraceId = null)
{
    public bool Retryable => Kind is MessengerErrorKind.RateLimited or MessengerErrorKind.Transient;

    public override string ToString() =>
        $"{Kind}: {Message} (http {HttpStatus?.ToString() ?? "-"}, code {Code?.ToString() ?? "-"}, subcode {Subcode?.ToString() ?? "-"}, fbtrace_id {TraceId ?? "-"})";
}

/// <summary>The answer of the Send API: the message sent, or why not.</summary>
public abstract record SendResult
{
    private SendResult() { }

    /// <summary><c>{"recipient_id":…,"message_id":…}</c>.</summary>
    public sealed record Sent(string MessageId, string RecipientId) : SendResult;

    public sealed record Failed(MessengerError Error) : SendResult
    {
        public MessengerErrorKind Kind => Error.Kind;
        public string Message => Error.Message;
        public bool Retryable => Error.Retryable;
    }
}

/// <summary>The answer of a Graph call other than a send: a value, or the error.</summary>
public readonly record struct MessengerResult<T>
{
    private MessengerResult(T? value, MessengerError? error) => (Value, Error) = (value, error);

    public T? Value { get; }
    public MessengerError? Error { get; }
    public bool IsSuccess => Error is null;

    public static implicit operator MessengerResult<T>(T value) => new(value, null);
    public static implicit operator MessengerResult<T>(MessengerError error) => new(default, error);
}

/// <summary>
/// A quick-reply button (<c>content_type</c> <c>text</c>): Messenger shows the title (at most 20 characters) and sends the
/// payload back in the person's message as <c>quick_reply.payload</c>.
/// </summary>
public sealed record MessengerQuickReply(string Title, string Payload)
{
    public const int MaxTitleLength = 20;
}

/// <summary>A user access token from <c>GET /oauth/access_token?grant_type=fb_exchange_token…</c>.</summary>
public sealed record UserToken(string AccessToken, TimeSpan? ExpiresIn);

/// <summary>
/// <c>GET /{PAGE_ID}?fields=access_token,name</c>: the page's name, and its access token when the user may manage it
/// (<c>null</c> otherwise). A page token read with a long-lived user token does not expire.
/// </summary>
public sealed record PageInfo(string Id, string Name, string? AccessToken);

/// <summary>
/// The Messenger Platform as the product uses it (Graph API). Adapters never throw for an answer from Meta or a
/// network failure: they return it as a <see cref="MessengerError"/>.
/// </summary>
public interface IMessengerApi
{
    /// <summary>
    /// <c>POST /{pageId}/messages</c> with the page token: a text to a page-scoped id, with quick-reply buttons under it
    /// when there are some (<c>message.quick_replies</c>).
    /// </summary>
    Task<SendResult> SendText(string pageId, string pageAccessToken, string psid, MessengerText text, MessengerSendMode mode,
        IReadOnlyList<MessengerQuickReply>? quickReplies, CancellationToken ct);

    Task<SendResult> SendText(string pageId, string pageAccessToken, string psid, MessengerText text, MessengerSendMode mode, CancellationToken ct) =>
        SendText(pageId, pageAccessToken, psid, text, mode, null, ct);

    /// <summary>Exchanges a (short-lived) user token for a long-lived one, with the app's id and secret.</summary>
    Task<MessengerResult<UserToken>> ExchangeUserToken(string userAccessToken, CancellationToken ct);

    /// <summary>The page's id, name and page access token, read with a user token.</summary>
    Task<MessengerResult<PageInfo>> GetPage(string pageId, string userAccessToken, CancellationToken ct);

    /// <summary><c>POST /{pageId}/subscribed_apps</c>: the app receives the page's webhook <paramref name="fields"/>.</summary>
    Task<MessengerResult<bool>> SubscribeApp(string pageId, string pageAccessToken, IReadOnlyList<string> fields, CancellationToken ct);

    /// <summary><c>DELETE /{pageId}/subscribed_apps</c>: the app stops receiving the page's webhooks.</summary>
    Task<MessengerResult<bool>> UnsubscribeApp(string pageId, string pageAccessToken, CancellationToken ct);

    /// <summary>
    /// <c>POST /me/messenger_profile</c> with the page token: the default-locale greeting of the welcome screen; <c>null</c>
    /// deletes it (<c>DELETE /me/messenger_profile</c> with <c>{"fields":["greeting"]}</c>).
    /// </summary>
    Task<MessengerResult<bool>> SetGreeting(string pageAccessToken, string? greeting, CancellationToken ct);
}
