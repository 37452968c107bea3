using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;
using Moq.Language.Flow;

namespace InboxServerless.Core.Tests.Application.Messenger;

/// <summary>Meta mocked at its port (Moq), and what the tests read back from the calls it received.</summary>
public static class MessengerApiMocks
{
    /// <summary>
    /// Meta when all goes well: every send is taken (as <c>m_1</c>), the user's token is exchanged, it manages the page, and
    /// subscribing, unsubscribing and the greeting succeed. A test overrides the one answer it is about.
    /// </summary>
    public static Mock<IMessengerApi> Meta()
    {
        var meta = new Mock<IMessengerApi>(MockBehavior.Strict);
        meta.OnSend().ReturnsAsync(new SendResult.Sent("m_1", "PSID"));
        meta.Setup(m => m.ExchangeUserToken(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new UserToken("long-lived-user-token", TimeSpan.FromDays(60)));
        meta.Setup(m => m.GetPage(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new PageInfo("1234567890", "Acme Support", "page-token"));
        meta.Setup(m => m.SubscribeApp(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        meta.Setup(m => m.UnsubscribeApp(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        meta.Setup(m => m.SetGreeting(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        return meta;
    }

    /// <summary>Any send of a text, whatever its arguments.</summary>
    public static ISetup<IMessengerApi, Task<SendResult>> OnSend(this Mock<IMessengerApi> meta) =>
        meta.Setup(m => m.SendText(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<MessengerText>(),
            It.IsAny<MessengerSendMode>(), It.IsAny<IReadOnlyList<MessengerQuickReply>?>(), It.IsAny<CancellationToken>()));

    /// <summary>Sends answered in this order; the last answer repeats.</summary>
    public static void SendAnswers(this Mock<IMessengerApi> meta, params SendResult[] answers)
    {
        var next = new Queue<SendResult>(answers);
        var last = answers[^1];
        meta.OnSend().ReturnsAsync(() => next.TryDequeue(out var answer) ? answer : last);
    }

    /// <summary>The calls made, by short name: send, exchange, page, subscribe, unsubscribe, greeting.</summary>
    public static IReadOnlyList<string> Calls(this Mock<IMessengerApi> meta) => [.. meta.Invocations.Select(call => ShortName(call.Method.Name))];

    /// <summary>Each call but sends, with the token it used and what else it was given (the page, the fields, the greeting).</summary>
    public static IReadOnlyList<(string What, string Token, string? Argument)> Arguments(this Mock<IMessengerApi> meta) =>
        [.. meta.Invocations.Where(call => call.Method.Name != nameof(IMessengerApi.SendText)).Select(ArgumentsOf)];

    /// <summary>The texts sent, in order, with what they were sent with.</summary>
    public static IReadOnlyList<Send> Sends(this Mock<IMessengerApi> meta) =>
        [.. meta.Invocations.Where(call => call.Method.Name == nameof(IMessengerApi.SendText)).Select(call => Send.Of(call.Arguments))];

    private static (string What, string Token, string? Argument) ArgumentsOf(IInvocation call)
    {
        var a = call.Arguments;
        return call.Method.Name switch
        {
            nameof(IMessengerApi.ExchangeUserToken) => ("exchange", (string)a[0]!, null),
            nameof(IMessengerApi.GetPage) => ("page", (string)a[1]!, (string)a[0]!),
            nameof(IMessengerApi.SubscribeApp) => ("subscribe", (string)a[1]!, $"{a[0]}:{string.Join(",", (IReadOnlyList<string>)a[2]!)}"),
            nameof(IMessengerApi.UnsubscribeApp) => ("unsubscribe", (string)a[1]!, (string)a[0]!),
            nameof(IMessengerApi.SetGreeting) => ("greeting", (string)a[0]!, (string?)a[1]),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call.Method.Name, "Not a call of Meta's page API."),
        };
    }

    private static string ShortName(string method) => method switch
    {
        nameof(IMessengerApi.SendText) => "send",
        nameof(IMessengerApi.ExchangeUserToken) => "exchange",
        nameof(IMessengerApi.GetPage) => "page",
        nameof(IMessengerApi.SubscribeApp) => "subscribe",
        nameof(IMessengerApi.UnsubscribeApp) => "unsubscribe",
        nameof(IMessengerApi.SetGreeting) => "greeting",
        _ => method,
    };
}

public readonly record struct Send(string PageId, string Token, string Psid, string Text, MessengerSendMode Mode, IReadOnlyList<MessengerQuickReply>? QuickReplies = null)
{
    /// <summary>From the arguments of <see cref="IMessengerApi.SendText"/>, in its order.</summary>
    public static Send Of(IReadOnlyList<object?> a) =>
        new((string)a[0]!, (string)a[1]!, (string)a[2]!, ((MessengerText)a[3]!).Value, (MessengerSendMode)a[4]!, (IReadOnlyList<MessengerQuickReply>?)a[5]);
}

/// <summary>
/// The secret store as a dictionary, kept a fake rather than a mock: the tests read back what a connect or a disconnect
/// left in it (which tokens, under which names), and make it fail with <see cref="Failure"/>.
/// </summary>
public sealed class FakeSecretStore : ISecretStore
{
    public Dictionary<string, string> Secrets { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Exception? Failure { get; set; }

    public Task<string?> Get(string name, CancellationToken ct)
    {
        if (Failure is not null) throw Failure;
        return Task.FromResult(Secrets.GetValueOrDefault(SecretNames.Checked(name)));
    }

    public Task Set(string name, string value, CancellationToken ct)
    {
        if (Failure is not null) throw Failure;
        Secrets[SecretNames.Checked(name)] = value;
        return Task.CompletedTask;
    }

    public Task<bool> Delete(string name, CancellationToken ct) => Task.FromResult(Secrets.Remove(SecretNames.Checked(name)));
}

/// <summary>
/// Meta's errors with the kind the Graph API adapter gives them (<c>MessengerErrors</c>, tested with the adapter in
/// Inbox.Azure.Tests).
/// </summary>
public static class GraphErrors
{
    private static SendResult.Failed Failed(MessengerErrorKind kind, int http, int code, int? subcode, string message) =>
        new(new MessengerError(kind, message, http, code, subcode, "AbCdEf"));

    public static SendResult.Failed WindowClosed => Failed(MessengerErrorKind.WindowClosed, 400, 10, 2018278, "(#10) This message is sent outside of allowed window.");
    public static SendResult.Failed UserUnavailable => Failed(MessengerErrorKind.UserUnavailable, 400, 551, 1545041, "This person isn't available right now.");
    public static SendResult.Failed RateLimited => Failed(MessengerErrorKind.RateLimited, 400, 613, null, "Calls to this api have exceeded the rate limit.");
    public static SendResult.Failed TokenExpired => Failed(MessengerErrorKind.TokenExpired, 400, 190, 463, "Error validating access token: Session has expired.");
    public static SendResult.Failed Transient => Failed(MessengerErrorKind.Transient, 500, 2, null, "An unexpected error has occurred. Please retry your request later.");
    public static SendResult.Failed Other => Failed(MessengerErrorKind.Other, 400, 100, null, "(#100) Param recipient[id] must be a valid ID string.");
}
