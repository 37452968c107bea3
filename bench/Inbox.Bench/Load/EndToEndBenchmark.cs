using System.Diagnostics;
using InboxServerless.Azure.Cosmos;
using InboxServerless.Local;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Bench.Load;

/// <summary>
/// From webhook to stored conversation: signed one-event deliveries posted to the dev host with its real consumer
/// (the routing orchestration writing to the Cosmos DB emulator), beside the emulator's raw single-write rate, which
/// bounds what routing can reach.
/// </summary>
public static class EndToEndBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var options = new BenchOptions(args);
        var events = options.Int("events", 2000);
        var senders = options.Int("senders", 100);
        var connections = options.Int("connections", 16);
        var rawSeconds = options.Int("raw-seconds", 5);
        options.CheckAllKnown();

        Report.Machine();
        Console.WriteLine($"end to end: {events} Messenger messages from {senders} senders, one per delivery; then the same again at half " +
                          "the rate reached, for latency. Generator, dev host and emulator share the machine.");

        await using var cosmos = await CosmosEmulator.Start();
        Console.WriteLine($"raw: single writes to the emulator, {connections} at a time, for {rawSeconds} s…");
        var (writesPerSecond, writeLatencies) = await RawWriteRate(cosmos, connections, TimeSpan.FromSeconds(rawSeconds));
        Console.WriteLine($"raw: {writesPerSecond:N0} writes/s; {writeLatencies}");

        await using var host = await BenchHostProcess.Start("e2e", BenchInbox.Settings(cosmos, "benchEndToEnd"));
        var pageId = await BenchInbox.Create(host.Client);
        using var generator = new LoadGenerator(host.Webhook, new MessengerTraffic(pageId, BenchInbox.AppSecret, eventsPerBatch: 1, senders));

        // Throughput: everything posted as fast as it is acknowledged; the clock stops when the last message is stored.
        Console.WriteLine($"e2e: {events} messages as fast as they are acknowledged…");
        var before = await host.Stats();
        var start = Stopwatch.GetTimestamp();
        var posted = await generator.ClosedLoop(connections, TimeSpan.FromMinutes(10), events);
        var after = await WhenRouted(host, before.Routed + posted.Acknowledged);
        var lastRouted = (await host.Routed()).Values.Max();
        var eventsPerSecond = posted.Acknowledged / Latencies.Milliseconds(lastRouted - start) * 1000;
        Console.WriteLine($"e2e: {eventsPerSecond:N0} messages/s stored ({posted.Acknowledged} acknowledged of {posted.Sent} sent)");

        // Latency: at half that rate, from when each delivery was due to when its message was stored.
        var rate = Math.Max(1, (int)(eventsPerSecond / 2));
        var count = Math.Max(rate * 10, Math.Min(events, rate * 30));
        Console.WriteLine($"e2e: {count} messages at {rate}/s…");
        var due = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var paced = await generator.FixedRate(rate, TimeSpan.FromSeconds((double)count / rate), sent: (d, at) => due[d.MessageIds[0]] = at);
        await WhenRouted(host, after.Routed + paced.Acknowledged);
        var routed = await host.Routed();
        var latencies = new Latencies(due.Where(d => routed.ContainsKey(d.Key)).Select(d => routed[d.Key] - d.Value));
        var final = await host.Stats();

        var perEvent = (double)(after.Routed - before.Routed);
        var writes = (after.CosmosWrites - before.CosmosWrites) / perEvent;
        var reads = (after.CosmosReads - before.CosmosReads) / perEvent;
        var queries = (after.CosmosQueries - before.CosmosQueries) / perEvent;
        var ceiling = writesPerSecond / Math.Max(writes, 1);

        Report.Header("end to end: webhook to stored conversation, beside the emulator's raw single-write rate");
        Report.Row("raw single writes/s (the emulator)", writesPerSecond);
        Report.Row("raw single write p99", writeLatencies.Percentile(99), unit: "ms");
        Report.Row("Cosmos writes per message (measured)", writes);
        Report.Row("Cosmos reads, queries per message", reads + queries);
        Report.Row("messages stored/s, vs the write ceiling", eventsPerSecond, ceiling);
        Report.Row($"webhook-to-stored p50 at {rate}/s", latencies.Percentile(50), unit: "ms");
        Report.Row($"webhook-to-stored p99 at {rate}/s", latencies.Percentile(99), unit: "ms");
        Report.Row($"webhook-to-stored p99.9 at {rate}/s", latencies.Percentile(99.9), unit: "ms");
        Report.Row("messages stored of acknowledged", final.Routed - before.Routed, posted.Acknowledged + paced.Acknowledged);
        Report.Line($"the write ceiling is the raw write rate divided by the writes a message costs ({writesPerSecond:N0} / {writes:F2}).");
        return 0;
    }

    private static async Task<HostStats> WhenRouted(BenchHostProcess host, long routed)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var stats = await host.Stats();
            if (stats.Routed >= routed) return stats;
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
                throw new TimeoutException($"Only {stats.Routed} of {routed} messages were routed within 10 minutes.");
            await Task.Delay(100);
        }
    }

    /// <summary>Single-document creates, as the routing's own writes are, through the product's own Cosmos client.</summary>
    private static async Task<(double PerSecond, Latencies Latencies)> RawWriteRate(CosmosEmulator cosmos, int connections, TimeSpan duration)
    {
        using var containers = new CosmosContainers(new CosmosStoreOptions
        {
            ConnectionString = cosmos.ConnectionString,
            UseGateway = true,
            AcceptAnyServerCertificate = true,
        });
        Database database = await containers.Client.CreateDatabaseIfNotExistsAsync("benchRaw");
        Container container = await database.CreateContainerIfNotExistsAsync("messages", "/inboxId");
        var text = new string('x', 600);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<long>();
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var began = Stopwatch.GetTimestamp();
                var item = new RawMessage(Guid.NewGuid().ToString("N"), $"inbox-{worker}", text);
                await container.CreateItemAsync(item, new PartitionKey(item.InboxId));
                latencies.Add(Stopwatch.GetTimestamp() - began);
            }
        }));
        return (latencies.Count / Stopwatch.GetElapsedTime(start).TotalSeconds, new Latencies(latencies));
    }

    private sealed record RawMessage(
        [property: System.Text.Json.Serialization.JsonPropertyName("id")] string Id,
        [property: System.Text.Json.Serialization.JsonPropertyName("inboxId")] string InboxId,
        [property: System.Text.Json.Serialization.JsonPropertyName("text")] string Text);
}
