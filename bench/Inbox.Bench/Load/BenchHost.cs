using System.Collections.Concurrent;
using System.Diagnostics;
using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.DevHost;
using InboxServerless.DevHost.Functions;
using InboxServerless.Local;

namespace InboxServerless.Bench.Load;

/// <summary>What a server under test reports about itself at <c>GET /bench/stats</c>.</summary>
public sealed record HostStats(long AllocatedBytes, long WorkingSet, long Routed, long CosmosReads, long CosmosWrites, long CosmosQueries);

/// <summary>
/// The servers the load benchmarks measure, each run in a process of its own (<c>Inbox.Bench host …</c>) so its working
/// set is its own: <c>bare</c>, a Kestrel endpoint that reads the body and answers 200; <c>ingest</c>, the dev host
/// whose queue consumer only counts what it is given (the webhook's path ends once events are queued);
/// <c>e2e</c>, the dev host with the real consumer, routing into Cosmos DB, recording when each message was routed.
/// </summary>
public static class BenchHost
{
    public const string WebhookPath = "api/webhooks/messenger";

    public static async Task<int> Run(string[] args)
    {
        var kind = args.FirstOrDefault();
        var rest = args.Skip(1).ToArray();
        var app = kind switch
        {
            "bare" => Bare(rest),
            "ingest" or "e2e" => await DevHost(rest, routes: kind == "e2e"),
            _ => null,
        };
        if (app is null)
        {
            await Console.Error.WriteLineAsync("usage: host bare|ingest|e2e --urls http://127.0.0.1:<port> [--key=value …]");
            return 2;
        }

        await app.RunAsync();
        return 0;
    }

    private static WebApplication Bare(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        // Every webhook's path (Messenger, Graph, forwarded mail): the bare server answers them all alike.
        app.MapPost("{**path}", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.Ok();
        });
        app.MapGet("bench/stats", () => Stats(routed: 0, cosmos: null));
        return app;
    }

    private static async Task<WebApplication> DevHost(string[] args, bool routes)
    {
        var handler = new RecordingHandler(recordTimes: routes);
        var app = await DevHostApp.Build(args, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" }, services => services
            .AddSingleton<IInboundEventHandler>(sp => handler.Over(routes ? sp.GetRequiredService<QueueFunctionHandler>() : null))
            .AddSingleton<IMessengerApi>(new BenchMeta()));
        var cosmos = app.Services.GetRequiredService<CosmosContainers>().Counter;
        app.MapGet("bench/stats", () => Stats(handler.Count, cosmos));
        app.MapGet("bench/routed", () => handler.Times);
        // The fake Graph's subscriptions (with their clientState), so the generator can notify as Graph does.
        app.MapGet("bench/graph-subscriptions", (FakeGraph graph) => graph.Subscriptions);
        return app;
    }

    private static HostStats Stats(long routed, CosmosRequestCounter? cosmos) => new(
        GC.GetTotalAllocatedBytes(), Environment.WorkingSet, routed, cosmos?.Reads ?? 0, cosmos?.Writes ?? 0, cosmos?.Queries ?? 0);

    /// <summary>
    /// Hands each event to the queue function (or to nobody) and counts it; end to end it also notes when each message
    /// was routed (ingest does not: a million ids would weigh on the working set being measured).
    /// </summary>
    private sealed class RecordingHandler(bool recordTimes) : IInboundEventHandler
    {
        private IInboundEventHandler? inner;
        private long count;

        public long Count => Interlocked.Read(ref count);

        public ConcurrentDictionary<string, long> Times { get; } = new();

        public RecordingHandler Over(IInboundEventHandler? handler)
        {
            inner = handler;
            return this;
        }

        public async Task Handle(InboundEvent inboundEvent, CancellationToken ct)
        {
            if (inner is not null) await inner.Handle(inboundEvent, ct);
            // The stopwatch is the system's monotonic clock, so the generator's process can compare it with its own.
            if (recordTimes) Times[inboundEvent.ExternalId] = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref count);
        }
    }
}

/// <summary>
/// Meta as far as the benchmarks need it, with no network: it confirms the bench's page (a page routes only once proven,
/// see <c>ChannelOwnershipRules</c>) and accepts every send, so what is measured is the product, not Facebook.
/// </summary>
internal sealed class BenchMeta : IMessengerApi
{
    private long sent;

    public Task<SendResult> SendText(string pageId, string pageAccessToken, string psid, MessengerText text, MessengerSendMode mode,
        IReadOnlyList<MessengerQuickReply>? quickReplies, CancellationToken ct) =>
        Task.FromResult<SendResult>(new SendResult.Sent($"m_bench_{Interlocked.Increment(ref sent)}", psid));

    public Task<MessengerResult<UserToken>> ExchangeUserToken(string userAccessToken, CancellationToken ct) =>
        Task.FromResult<MessengerResult<UserToken>>(new UserToken("long-" + userAccessToken, TimeSpan.FromDays(60)));

    public Task<MessengerResult<PageInfo>> GetPage(string pageId, string userAccessToken, CancellationToken ct) =>
        Task.FromResult<MessengerResult<PageInfo>>(new PageInfo(pageId, "Contoso Bikes", "bench-page-token"));

    public Task<MessengerResult<bool>> SubscribeApp(string pageId, string pageAccessToken, IReadOnlyList<string> fields, CancellationToken ct) =>
        Task.FromResult<MessengerResult<bool>>(true);

    public Task<MessengerResult<bool>> UnsubscribeApp(string pageId, string pageAccessToken, CancellationToken ct) =>
        Task.FromResult<MessengerResult<bool>>(true);

    public Task<MessengerResult<bool>> SetGreeting(string pageAccessToken, string? greeting, CancellationToken ct) =>
        Task.FromResult<MessengerResult<bool>>(true);
}
