using InboxServerless.Azure.Local;
using InboxServerless.Core.Ports;
using InboxServerless.DevHost;
using InboxServerless.DevHost.Local;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// One Cosmos DB emulator process and one dev host on a free port for the whole test run. Tests stay apart by account:
/// each test acts as admins and users of accounts of its own (see <see cref="NewAccount"/>), and nothing crosses accounts.
/// The in-process queue redelivers at once and dead-letters after <see cref="MaxDeliveryCount"/> tries, and drops no
/// duplicate (a zero detection window), so a repeated event reaches routing and routing's own idempotency is what is
/// tested. The host's services are the product's, with two test-only wrappers: <see cref="Faults"/> (a ticket store that
/// fails for chosen accounts), <see cref="Deliveries"/> (counts what the queue delivers) and <see cref="Enqueued"/> (counts
/// the events put on the queue).
/// </summary>
public sealed class DevHostFixture : IAsyncLifetime
{
    private CosmosEmulator? emulator;
    private WebApplication? app;
    private readonly SocketsHttpHandler handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    public WebApplication App => app ?? throw new InvalidOperationException("The dev host has not started.");

    public Uri BaseAddress { get; private set; } = null!;

    public const int MaxDeliveryCount = 3;

    public TestFaults Faults { get; } = new();

    public DeliveryCounter Deliveries { get; } = new();

    public EnqueueCounter Enqueued { get; } = new();

    public IServiceProvider Services => App.Services;

    public InProcessInboundQueue Queue => App.Services.GetRequiredService<InProcessInboundQueue>();

    /// <summary>Until every event queued so far is routed or dead-lettered.</summary>
    public async Task WhenIdle(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        await Queue.WhenIdle(cts.Token);
    }

    public async Task InitializeAsync()
    {
        emulator = await CosmosEmulator.Start();
        app = await DevHostApp.Start([], new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Cosmos:ConnectionString"] = emulator.ConnectionString,
            ["Cosmos:UseGateway"] = "true",
            ["Cosmos:AcceptAnyServerCertificate"] = "true",
            ["Cosmos:Database"] = "endToEnd",
            ["DevHost:Timers:Enabled"] = "false",
            ["DevHost:Queue:MaxDeliveryCount"] = MaxDeliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DevHost:Queue:RedeliveryBackoff"] = "00:00:00",
            ["DevHost:Queue:DuplicateDetectionWindow"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Messenger:AppSecret"] = MessengerWebhookTests.AppSecret,
            ["Messenger:VerifyToken"] = MessengerWebhookTests.VerifyToken,
        }, services =>
        {
            services.Decorate<ITicketStore>((store, _) => new FaultyTicketStore(store, Faults));
            services.Decorate<IInboundEventHandler>((handler, _) => new CountingHandler(handler, Deliveries));
            services.Decorate<IInboundQueue>((queue, _) => new CountingQueue(queue, Enqueued));
        });
        BaseAddress = App.Addresses().Single();
    }

    public async Task DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        if (emulator is not null) await emulator.DisposeAsync();
        handler.Dispose();
    }

    public static string NewAccount() => "e2e-" + Guid.NewGuid().ToString("N");

    /// <summary>A client acting as an account admin.</summary>
    public HttpClient Admin(string accountId, string userId = "admin") => As(accountId, userId, ClientPrincipal.AccountAdminRole);

    /// <summary>A client acting as a user with the given roles (none: a plain member of the account).</summary>
    public HttpClient As(string accountId, string userId, params string[] roles) =>
        WithPrincipal(ClientPrincipal.Encode(accountId, userId, roles));

    /// <summary>A client that sends this exact principal header; without one the dev host fills in its development principal.</summary>
    public HttpClient WithPrincipal(string? header)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (header is not null) client.DefaultRequestHeaders.TryAddWithoutValidation(ClientPrincipal.Header, header);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class DevHostCollection : ICollectionFixture<DevHostFixture>
{
    public const string Name = "dev host";
}
