using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using InboxServerless.Azure.Email;
using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Bench.Micro;

/// <summary>
/// The Graph webhook's own work on a batch of ten <c>created</c> notifications before the queue
/// (<see cref="GraphInbound.Receive"/>): both readings of the body, the clientState checks, the events made — with the
/// subscriptions in the cache, as they are once the webhook is warm (a queue that takes them at once).
/// </summary>
[MemoryDiagnoser]
public class GraphWebhookBenchmarks
{
    private const string SubscriptionId = "7f105c7d-2dc5-4530-97cd-4e7ae6534c07";
    private byte[] body = [];
    private GraphInbound inbound = null!;

    [GlobalSetup]
    public void Setup()
    {
        var now = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        var store = new OneSubscription(new MailboxSubscription(SubscriptionId, "acc", "inbox", "ch", "support@contoso.test", "tenant", now, now.AddDays(7)));
        var secrets = new InMemorySecretStore();
        secrets.Set(SecretNames.GraphClientState("acc", "ch"), "secretClientValue-0123456789abcdef0123456789abcdef", default).GetAwaiter().GetResult();
        inbound = new GraphInbound(new GraphSubscriptionCache(store, secrets, new GraphOptions { ClientStateCacheTtl = TimeSpan.FromDays(1) }, TimeProvider.System),
            new NoQueue(), TimeProvider.System);
        var items = new JsonArray();
        for (var i = 0; i < 10; i++)
        {
            var id = $"AAMkAGI2THVSAAA{i:D4}AAAAAAEMAAAiIsqMbYjsT5e-T7KzowPTAAAB3DUKAAA=";
            items.Add(new JsonObject
            {
                ["subscriptionId"] = SubscriptionId, ["subscriptionExpirationDateTime"] = "2026-12-09T11:00:00.0000000Z", ["changeType"] = "created",
                ["resource"] = $"Users/0f3b9f8e-6c2a-4f4e-9d59-2b1f0c4b8a11/Messages/{id}",
                ["resourceData"] = new JsonObject { ["@odata.type"] = "#Microsoft.Graph.Message", ["@odata.id"] = $"Users/0f3b9f8e/Messages/{id}", ["@odata.etag"] = "W/\"CQAAABYAAAD\"", ["id"] = id },
                ["clientState"] = "secretClientValue-0123456789abcdef0123456789abcdef", ["tenantId"] = "84bd8158-6d4d-4958-8b9f-9d6445542f95",
            });
        }

        body = Encoding.UTF8.GetBytes(new JsonObject { ["value"] = items }.ToJsonString());
        if (Receive().GetAwaiter().GetResult() != 10) throw new InvalidOperationException("The batch should queue ten changes.");
    }

    [Benchmark(Description = "Graph webhook: check + queue 10 notifications (warm cache)")]
    public async Task<int> Receive() => (await inbound.Receive(body, default)).Value!.Queued;

    private sealed class NoQueue : IInboundQueue
    {
        public Task Enqueue(IReadOnlyList<InboundEvent> events, CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class OneSubscription(MailboxSubscription subscription) : IMailboxSubscriptionStore
    {
        public Task<MailboxSubscription?> Find(string subscriptionId, CancellationToken ct) =>
            Task.FromResult(subscriptionId == subscription.Id ? subscription : null);

        public Task<IReadOnlyList<MailboxSubscription>> FindByChannel(string accountId, string channelId, CancellationToken ct) => Task.FromResult<IReadOnlyList<MailboxSubscription>>([subscription]);
        public Task<IReadOnlyList<MailboxSubscription>> List(CancellationToken ct) => Task.FromResult<IReadOnlyList<MailboxSubscription>>([subscription]);
        public Task Put(MailboxSubscription s, CancellationToken ct) => Task.CompletedTask;
        public Task<bool> Delete(string subscriptionId, CancellationToken ct) => Task.FromResult(false);
    }
}
