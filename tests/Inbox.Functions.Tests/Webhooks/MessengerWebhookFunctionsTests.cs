using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InboxServerless.Azure.Messenger;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Functions.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Moq;

namespace InboxServerless.Functions.Tests.Webhooks;

/// <summary>The webhook function on a host where Messenger is not configured (no <c>Messenger:AppSecret</c>).</summary>
public sealed class MessengerWebhookFunctionsTests
{
    private const string Body = """{"object":"page","entry":[{"id":"102938475610","time":1764061200000,"messaging":[{"sender":{"id":"6789"},"recipient":{"id":"102938475610"},"timestamp":1764061200000,"message":{"mid":"m_1","text":"Hi"}}]}]}""";

    private readonly Mock<IInboundQueue> queue = new();
    private readonly RecordingLogger log = new();

    private MessengerWebhookFunctions Functions(MessengerInbound inbound) => new(inbound, log);

    private MessengerInbound Inbound(string appSecret) => new(new MessengerOptions { AppSecret = appSecret },
        new ChannelResolver(Mock.Of<IChannelBindingStore>(), Mock.Of<IInboxStore>(), TimeProvider.System), queue.Object, TimeProvider.System);

    [Fact]
    public async Task A_signed_delivery_to_a_host_without_the_app_secret_is_503_not_configured_and_logged_once()
    {
        var functions = Functions(Inbound(appSecret: ""));

        var first = await Execute(await functions.Receive(Signed("any-secret-meta-might-use"), default));
        var second = await Execute(await Functions(Inbound(appSecret: "")).Receive(Signed("x"), default)); // another host: logs its own
        var third = await Execute(await functions.Receive(Signed("any-secret-meta-might-use"), default));

        foreach (var (status, body) in new[] { first, third })
        {
            Assert.Equal(503, status);
            Assert.Contains("Messenger is not configured", body.GetProperty("title").GetString());
            Assert.Contains("Messenger__AppSecret", body.GetProperty("detail").GetString());
        }

        Assert.Equal(503, second.Status);
        queue.Verify(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>()), Times.Never);
        // Once per inbound (one per process), not once per request.
        Assert.Equal(2, log.Entries.Count(e => e.Level >= LogLevel.Warning && e.Message.Contains("Messenger:AppSecret", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_configured_host_still_answers_a_wrong_signature_with_401()
    {
        var (status, _) = await Execute(await Functions(Inbound("the-app-secret")).Receive(Signed("another-secret"), default));

        Assert.Equal(401, status);
        Assert.Empty(log.Entries);
    }

    private static HttpRequest Signed(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(Body);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = "application/json";
        context.Request.Headers[MessengerWebhook.SignatureHeader] =
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), bytes));
        return context.Request;
    }

    private static async Task<(int Status, JsonElement Body)> Execute(IResult result)
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var body = context.Response.Body.Length == 0 ? default : JsonDocument.Parse(context.Response.Body).RootElement.Clone();
        return (context.Response.StatusCode, body);
    }

    /// <summary>A logger that keeps what it was told (a hand-written one: ILogger's generic Log reads badly as a Moq setup).</summary>
    private sealed class RecordingLogger : ILogger<MessengerWebhookFunctions>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
