using InboxServerless.Core.Ports;
using InboxServerless.DevHost;
using InboxServerless.Functions.Http;
using InboxServerless.Local.Google;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests.Gmail;

/// <summary>
/// A dev host with its fake Google (<c>DevHost:FakeGmail</c>): Google's consent page, token endpoint, signing keys and
/// Gmail API over real HTTP, and Pub/Sub's pushes to the dev host's webhook. The queue drops no duplicate (a zero
/// window), so a redelivered push reaches the consumer and the reader's and routing's idempotency is what is tested.
/// </summary>
public sealed class GmailHostFixture : DevHostUnderTest
{
    public EnqueueCounter Enqueued { get; } = new();

    public FakeGoogle Google => Services.GetRequiredService<FakeGoogle>();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Cosmos:Database"] = "gmailEndToEnd",
        [FakeGmail.Setting] = "true",
        ["DevHost:Queue:MaxDeliveryCount"] = "3",
        ["DevHost:Queue:RedeliveryBackoff"] = "00:00:00",
        ["DevHost:Queue:DuplicateDetectionWindow"] = "00:00:00",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Decorate<IInboundQueue>((queue, _) => new CountingQueue(queue, Enqueued));

    public async Task WhenIdle()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await Queue.WhenIdle(cts.Token);
    }

    public HttpClient Admin(string accountId, string userId = "admin") =>
        WithPrincipal(ClientPrincipal.Encode(accountId, userId, ClientPrincipal.AccountAdminRole));
}

[CollectionDefinition(Name)]
public sealed class GmailHostCollection : ICollectionFixture<GmailHostFixture>
{
    public const string Name = "dev host with a fake Google";
}
