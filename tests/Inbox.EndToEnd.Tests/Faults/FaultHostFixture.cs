using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Ports;
using InboxServerless.Functions.Http;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests.Faults;

/// <summary>
/// A dev host of the fault suite's own, on a Cosmos DB emulator and a database of its own, so the faults it injects never
/// reach the other end-to-end tests. Everything is the product's, with two seams a scenario switches on and off:
/// <see cref="Wire"/> (Cosmos' HTTP answers, through the product's <see cref="CosmosTransportWrapper"/>) and
/// <see cref="Crashes"/> (a conversation store that writes and then throws). The queue behaves as Service Bus by default
/// (10 deliveries) with a short backoff, and drops no duplicate, so every redelivery reaches routing.
/// </summary>
public sealed class FaultHostFixture : DevHostUnderTest
{
    public const string AppSecret = "fault-suite-app-secret";

    /// <summary>Short, so a stalled Cosmos answer fails the call in time for the activity's retry.</summary>
    public static readonly TimeSpan CosmosRequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Short budgets for the HTTP functions, so the tests that freeze the store wait seconds, not the defaults.</summary>
    public static readonly TimeSpan ApiBudget = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan WebhookBudget = TimeSpan.FromSeconds(3);

    public CosmosWireFaults Wire { get; } = new();

    public StoreCrashes Crashes { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Cosmos:Database"] = "faults",
        ["Cosmos:RequestTimeout"] = CosmosRequestTimeout.ToString(),
        ["Http:ApiBudget"] = ApiBudget.ToString(),
        ["Http:WebhookBudget"] = WebhookBudget.ToString(),
        ["DevHost:Queue:MaxDeliveryCount"] = "10",
        ["DevHost:Queue:RedeliveryBackoff"] = "00:00:00.050",
        ["DevHost:Queue:DuplicateDetectionWindow"] = "00:00:00",
        ["Logging:LogLevel:Default"] = "None",
        ["Messenger:AppId"] = "e2e-app-id",
        ["Messenger:AppSecret"] = AppSecret,
        ["Messenger:VerifyToken"] = "fault-suite-verify-token",
    };

    /// <summary>Meta's Graph API, as the dev host's Messenger client sees it: pages are proven and replies sent through it.</summary>
    public FakeMeta Graph { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.UseFakeMeta(Graph);
        services.AddSingleton<CosmosTransportWrapper>(transport => new FaultyCosmosTransport(Wire) { InnerHandler = transport });
        services.Decorate<IConversationStore>((store, _) => new CrashingConversationStore(store, Crashes));
    }

    /// <summary>Until every event queued so far is routed or dead-lettered (a guard far above the expected seconds: the machine is shared).</summary>
    public async Task WhenIdle()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await Queue.WhenIdle(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The queue is not idle after 3 minutes ({Queue.DeadLetters.Count} dead letters).");
        }
    }

    public HttpClient Admin(string accountId) => WithPrincipal(ClientPrincipal.Encode(accountId, "admin", [ClientPrincipal.AccountAdminRole]));

    /// <summary>Meta's side: no principal.</summary>
    public HttpClient Meta() => WithPrincipal(null);
}

[CollectionDefinition(Name)]
public sealed class FaultHostCollection : ICollectionFixture<FaultHostFixture>
{
    public const string Name = "fault host";
}
