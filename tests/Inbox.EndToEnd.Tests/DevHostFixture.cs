using InboxServerless.Core.Ports;
using InboxServerless.Functions.Http;
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
public sealed class DevHostFixture : DevHostUnderTest
{
    public const int MaxDeliveryCount = 3;

    public TestFaults Faults { get; } = new();

    public DeliveryCounter Deliveries { get; } = new();

    public EnqueueCounter Enqueued { get; } = new();

    /// <summary>Until every event queued so far is routed or dead-lettered.</summary>
    public async Task WhenIdle(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        await Queue.WhenIdle(cts.Token);
    }

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Cosmos:Database"] = "endToEnd",
        ["DevHost:Queue:MaxDeliveryCount"] = MaxDeliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["DevHost:Queue:RedeliveryBackoff"] = "00:00:00",
        ["DevHost:Queue:DuplicateDetectionWindow"] = "00:00:00",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Messenger:AppId"] = "e2e-app-id",
        ["Messenger:AppSecret"] = MessengerWebhookTests.AppSecret,
        ["Messenger:VerifyToken"] = MessengerWebhookTests.VerifyToken,
    };

    /// <summary>Meta's Graph API, as the dev host's Messenger client sees it: pages are proven and replies sent through it.</summary>
    public FakeMeta Meta { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.UseFakeMeta(Meta);
        services.Decorate<ITicketStore>((store, _) => new FaultyTicketStore(store, Faults));
        services.Decorate<IInboundEventHandler>((handler, _) => new CountingHandler(handler, Deliveries));
        services.Decorate<IInboundQueue>((queue, _) => new CountingQueue(queue, Enqueued));
    }

    /// <summary>The dev host's development principal's account (DevHost:Principal:AccountId, as appsettings.json has it).</summary>
    public const string DevAccount = "dev-account";

    /// <summary>A client without a principal header: the dev host acts as its development admin, who may use /admin/*.</summary>
    public HttpClient DevAdmin() => WithPrincipal(null);

    public static string NewAccount() => "e2e-" + Guid.NewGuid().ToString("N");

    /// <summary>A client acting as an account admin.</summary>
    public HttpClient Admin(string accountId, string userId = "admin") => As(accountId, userId, ClientPrincipal.AccountAdminRole);

    /// <summary>A client acting as a user with the given roles (none: a plain member of the account).</summary>
    public HttpClient As(string accountId, string userId, params string[] roles) =>
        WithPrincipal(ClientPrincipal.Encode(accountId, userId, roles));
}

[CollectionDefinition(Name)]
public sealed class DevHostCollection : ICollectionFixture<DevHostFixture>
{
    public const string Name = "dev host";
}
