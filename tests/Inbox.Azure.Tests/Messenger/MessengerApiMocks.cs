using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;
using Moq.Language.Flow;

namespace InboxServerless.Azure.Tests.Messenger;

/// <summary>Meta's Send API mocked at its port: the one call the tests script and read back.</summary>
public static class MessengerApiMocks
{
    /// <summary>Any send of a text, whatever its arguments.</summary>
    public static ISetup<IMessengerApi, Task<SendResult>> OnSend(this Mock<IMessengerApi> meta) =>
        meta.Setup(m => m.SendText(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<MessengerText>(),
            It.IsAny<MessengerSendMode>(), It.IsAny<IReadOnlyList<MessengerQuickReply>?>(), It.IsAny<CancellationToken>()));

    /// <summary>The texts sent so far, in order, with what they were sent with.</summary>
    public static IReadOnlyList<SentText> Sends(this Mock<IMessengerApi> meta) =>
        [.. meta.Invocations.Where(call => call.Method.Name == nameof(IMessengerApi.SendText)).Select(call => SentText.Of(call.Arguments))];
}

public sealed record SentText(string PageId, string Token, string Psid, string Text, MessengerSendMode Mode, IReadOnlyList<MessengerQuickReply>? QuickReplies)
{
    /// <summary>From the arguments of <see cref="IMessengerApi.SendText"/>, in its order.</summary>
    public static SentText Of(IReadOnlyList<object?> arguments) => new(
        (string)arguments[0]!, (string)arguments[1]!, (string)arguments[2]!, ((MessengerText)arguments[3]!).Value,
        (MessengerSendMode)arguments[4]!, (IReadOnlyList<MessengerQuickReply>?)arguments[5]);
}
