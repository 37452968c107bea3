using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Messenger;

/// <summary>Maps the error numbers Meta documents to their meaning; the first matching rule wins.</summary>
public static class MessengerErrors
{
    public const int WindowCode = 10;
    public const int WindowSubcode = 2018278;
    public const int UserUnavailableCode = 551;
    public const int UserUnavailableSubcode = 1545041;
    public const int TokenCode = 190;
    public static readonly IReadOnlySet<int> RateLimitCodes = new HashSet<int> { 4, 17, 32, 613 };
    public static readonly IReadOnlySet<int> TransientCodes = new HashSet<int> { 1, 2 };

    public static MessengerErrorKind Classify(int? httpStatus, int? code, int? subcode)
    {
        if (code == WindowCode && subcode == WindowSubcode) return MessengerErrorKind.WindowClosed;
        if (code == UserUnavailableCode || subcode == UserUnavailableSubcode) return MessengerErrorKind.UserUnavailable;
        if (code == TokenCode) return MessengerErrorKind.TokenExpired;
        if ((code is { } c && RateLimitCodes.Contains(c)) || httpStatus == 429) return MessengerErrorKind.RateLimited;
        if ((code is { } t && TransientCodes.Contains(t)) || httpStatus >= 500) return MessengerErrorKind.Transient;
        return MessengerErrorKind.Other;
    }

    public static MessengerError Error(string message, int? httpStatus, int? code, int? subcode, string? traceId) =>
        new(Classify(httpStatus, code, subcode), message, httpStatus, code, subcode, traceId);
}
