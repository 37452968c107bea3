using InboxServerless.Azure.Messenger;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Messenger;

public sealed class MessengerErrorsTests
{
    [Theory]
    [InlineData(400, 10, 2018278, MessengerErrorKind.WindowClosed)]
    [InlineData(400, 551, null, MessengerErrorKind.UserUnavailable)]
    [InlineData(400, 200, 1545041, MessengerErrorKind.UserUnavailable)]
    [InlineData(400, 551, 1545041, MessengerErrorKind.UserUnavailable)]
    [InlineData(400, 4, null, MessengerErrorKind.RateLimited)]
    [InlineData(400, 17, null, MessengerErrorKind.RateLimited)]
    [InlineData(400, 32, null, MessengerErrorKind.RateLimited)]
    [InlineData(400, 613, null, MessengerErrorKind.RateLimited)]
    [InlineData(429, null, null, MessengerErrorKind.RateLimited)]
    [InlineData(401, 190, 463, MessengerErrorKind.TokenExpired)]
    [InlineData(400, 190, null, MessengerErrorKind.TokenExpired)]
    [InlineData(500, 1, null, MessengerErrorKind.Transient)]
    [InlineData(500, 2, null, MessengerErrorKind.Transient)]
    [InlineData(400, 2, null, MessengerErrorKind.Transient)]
    [InlineData(503, null, null, MessengerErrorKind.Transient)]
    [InlineData(400, 10, null, MessengerErrorKind.Other)] // code 10 without the window's subcode is a permission error
    [InlineData(400, 100, null, MessengerErrorKind.Other)] // e.g. a refused tag (ACCOUNT_UPDATE, … since 27 April 2026)
    [InlineData(403, 200, null, MessengerErrorKind.Other)]
    public void Meta_error_numbers_are_classified(int? http, int? code, int? subcode, MessengerErrorKind kind) =>
        Assert.Equal(kind, MessengerErrors.Classify(http, code, subcode));
}
