using InboxServerless.Core.Channels.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Tests.MessengerSending;

/// <summary>Records every call; answers sends from a queue of results (the last one repeats), other calls from settable results.</summary>
public sealed class FakeMessengerApi : IMessengerApi
{
    public readonly record struct Send(string PageId, string Token, string Psid, string Text, MessengerSendMode Mode, IReadOnlyList<MessengerQuickReply>? QuickReplies = null);

    public List<Send> Sends { get; } = [];
    public List<string> Calls { get; } = [];
    public Queue<SendResult> SendResults { get; } = new();
    public SendResult LastSendResult { get; set; } = new SendResult.Sent("m_1", "PSID");

    public MessengerResult<UserToken> Exchange { get; set; } = new UserToken("long-lived-user-token", TimeSpan.FromDays(60));
    public MessengerResult<PageInfo> Page { get; set; } = new PageInfo("1234567890", "Acme Support", "page-token");
    public MessengerResult<bool> Subscribe { get; set; } = true;
    public MessengerResult<bool> Unsubscribe { get; set; } = true;
    public MessengerResult<bool> Greeting { get; set; } = true;

    public List<(string What, string Token, string? Argument)> Arguments { get; } = [];

    public Task<SendResult> SendText(string pageId, string pageAccessToken, string psid, MessengerText text, MessengerSendMode mode,
        IReadOnlyList<MessengerQuickReply>? quickReplies, CancellationToken ct)
    {
        Calls.Add("send");
        Sends.Add(new Send(pageId, pageAccessToken, psid, text.Value, mode, quickReplies));
        if (SendResults.TryDequeue(out var next)) LastSendResult = next;
        return Task.FromResult(LastSendResult);
    }

    public Task<MessengerResult<UserToken>> ExchangeUserToken(string userAccessToken, CancellationToken ct)
    {
        Calls.Add("exchange");
        Arguments.Add(("exchange", userAccessToken, null));
        return Task.FromResult(Exchange);
    }

    public Task<MessengerResult<PageInfo>> GetPage(string pageId, string userAccessToken, CancellationToken ct)
    {
        Calls.Add("page");
        Arguments.Add(("page", userAccessToken, pageId));
        return Task.FromResult(Page);
    }

    public Task<MessengerResult<bool>> SubscribeApp(string pageId, string pageAccessToken, IReadOnlyList<string> fields, CancellationToken ct)
    {
        Calls.Add("subscribe");
        Arguments.Add(("subscribe", pageAccessToken, $"{pageId}:{string.Join(",", fields)}"));
        return Task.FromResult(Subscribe);
    }

    public Task<MessengerResult<bool>> UnsubscribeApp(string pageId, string pageAccessToken, CancellationToken ct)
    {
        Calls.Add("unsubscribe");
        Arguments.Add(("unsubscribe", pageAccessToken, pageId));
        return Task.FromResult(Unsubscribe);
    }

    public Task<MessengerResult<bool>> SetGreeting(string pageAccessToken, string? greeting, CancellationToken ct)
    {
        Calls.Add("greeting");
        Arguments.Add(("greeting", pageAccessToken, greeting));
        return Task.FromResult(Greeting);
    }
}

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

public sealed class FakeBindingStore : IChannelBindingStore
{
    public Dictionary<string, ChannelBinding> Bindings { get; } = [];

    public Task<Outcome<Versioned<ChannelBinding>>> Claim(ChannelBinding binding, CancellationToken ct) => throw new NotSupportedException();

    public Task<Versioned<ChannelBinding>?> Find(string key, CancellationToken ct) =>
        Task.FromResult(Bindings.TryGetValue(key, out var b) ? new Versioned<ChannelBinding>(b, "\"1\"") : null);

    public Task<Outcome<Versioned<ChannelBinding>>> TakeOver(ChannelBinding binding, string ifMatch, CancellationToken ct) => throw new NotSupportedException();

    public Task Release(string key, string inboxId, string channelId, CancellationToken ct) => throw new NotSupportedException();
}

/// <summary>Meta's errors as <see cref="MessengerErrors"/> reads them.</summary>
public static class GraphErrors
{
    public static SendResult.Failed Failed(int http, int code, int? subcode = null, string message = "(#x) error") =>
        new(MessengerErrors.Error(message, http, code, subcode, "AbCdEf"));

    public static SendResult.Failed WindowClosed => Failed(400, 10, 2018278, "(#10) This message is sent outside of allowed window.");
    public static SendResult.Failed UserUnavailable => Failed(400, 551, 1545041, "This person isn't available right now.");
    public static SendResult.Failed RateLimited => Failed(400, 613, null, "Calls to this api have exceeded the rate limit.");
    public static SendResult.Failed TokenExpired => Failed(400, 190, 463, "Error validating access token: Session has expired.");
    public static SendResult.Failed Transient => Failed(500, 2, null, "An unexpected error has occurred. Please retry your request later.");
    public static SendResult.Failed Other => Failed(400, 100, null, "(#100) Param recipient[id] must be a valid ID string.");
}
