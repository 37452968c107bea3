using InboxServerless.Local;

namespace InboxServerless.Bench.Load;

/// <summary>
/// The e-mail webhooks under load, each beside a bare Kestrel endpoint in the same run: Microsoft Graph's notification
/// webhook at a fixed rate of 10-item batches (its acknowledgement must stay far inside Graph's 3 s deadline and its
/// 2.9 s "slow" line), and the forwarding endpoint's throughput for 50 KB messages (each stored as a blob and queued).
/// The dev host's queue consumer only counts, so what is measured ends where the webhook answers.
/// </summary>
public static class EmailWebhookBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var options = new BenchOptions(args);
        var seconds = options.Int("seconds", 30);
        var rate = options.Int("rate", 1000);
        var batch = options.Int("batch", 10);
        var warmup = options.Int("warmup-seconds", 5);
        var maxSeconds = options.Int("max-seconds", 10);
        var connections = options.Int("connections", 16);
        var kilobytes = options.Int("kilobytes", 50);
        options.CheckAllKnown();

        Report.Machine();
        Console.WriteLine($"e-mail webhooks: Graph notifications of {batch} items at {rate} requests/s for {seconds} s after {warmup} s of warm-up; " +
                          $"forwarded {kilobytes} KB messages with {connections} connections flat out for {maxSeconds} s.");

        await using var cosmos = await CosmosEmulator.Start();
        var bare = await Measure("bare", cosmos, rate, batch, seconds, warmup, maxSeconds, connections, kilobytes);
        var host = await Measure("ingest", cosmos, rate, batch, seconds, warmup, maxSeconds, connections, kilobytes);

        Report.Header($"Graph notification webhook at {rate} requests/s ({rate * batch} notifications/s): dev host vs bare Kestrel");
        Report.Row("requests acknowledged (2xx)", host.Graph.Acknowledged, bare.Graph.Acknowledged);
        Report.Row("requests failed or shed", host.Graph.Failed + host.Graph.Shed, bare.Graph.Failed + bare.Graph.Shed);
        Report.Row("acknowledgement p50", host.Graph.Latencies.Percentile(50), bare.Graph.Latencies.Percentile(50), "ms");
        var p99 = host.Graph.Latencies.Percentile(99);
        Report.Row("acknowledgement p99", p99, bare.Graph.Latencies.Percentile(99), "ms", "< 25 ms", p99 < 25);
        Report.Row("acknowledgement max", host.Graph.Latencies.Max, bare.Graph.Latencies.Max, "ms");

        Report.Header($"forwarding endpoint: {kilobytes} KB messages, {connections} connections, {maxSeconds} s");
        Report.Row("messages acknowledged/s", host.Forwarded.AcknowledgedPerSecond, bare.Forwarded.AcknowledgedPerSecond);
        Report.Row("MB/s received", host.Forwarded.AcknowledgedPerSecond * kilobytes / 1024.0, bare.Forwarded.AcknowledgedPerSecond * kilobytes / 1024.0, "MB/s");
        Report.Row("p99 under saturation", host.Forwarded.Latencies.Percentile(99), bare.Forwarded.Latencies.Percentile(99), "ms");
        Report.Line($"statuses: Graph {LoadBenchmark.Statuses(host.Graph)} (bare {LoadBenchmark.Statuses(bare.Graph)}); forwarding {LoadBenchmark.Statuses(host.Forwarded)} (bare {LoadBenchmark.Statuses(bare.Forwarded)})");
        return 0;
    }

    private sealed record Measured(LoadResult Graph, LoadResult Forwarded);

    private static async Task<Measured> Measure(
        string kind, CosmosEmulator cosmos, int rate, int batch, int seconds, int warmup, int maxSeconds, int connections, int kilobytes)
    {
        var settings = BenchInbox.Settings(cosmos, "benchEmail");
        settings["DevHost:FakeGraph"] = "true";
        await using var host = await BenchHostProcess.Start(kind, settings);

        // The bare server answers any path; it is given the dev host's shapes of traffic with made-up credentials.
        var subscription = kind == "bare"
            ? new System.Text.Json.Nodes.JsonObject { ["id"] = Guid.NewGuid().ToString(), ["resource"] = "users/bench@contoso.com/mailFolders('inbox')/messages", ["clientState"] = "bare" }
            : await BenchInbox.CreateOffice365(host.Client, $"graph-{Guid.NewGuid():N}@contoso.com");
        var (inboundUrl, secret) = kind == "bare"
            ? (new Uri(host.BaseAddress, "api/webhooks/email/bare"), "bare")
            : await BenchInbox.CreateForwarding(host.Client, $"fwd-{Guid.NewGuid():N}@contoso.com");

        using var graph = new LoadGenerator(new Uri(host.BaseAddress, "api/webhooks/graph"), new GraphTraffic(subscription, batch));
        Console.WriteLine($"{kind}: Graph, warming up…");
        await graph.FixedRate(rate, TimeSpan.FromSeconds(warmup));
        Console.WriteLine($"{kind}: Graph, {rate} requests/s for {seconds} s…");
        var graphResult = await graph.FixedRate(rate, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"{kind}: {graphResult.Latencies}; {LoadBenchmark.Statuses(graphResult)}");

        using var forwarding = new LoadGenerator(inboundUrl, new ForwardingTraffic("fwd@contoso.com", secret, kilobytes * 1024));
        Console.WriteLine($"{kind}: forwarding, warming up…");
        await forwarding.ClosedLoop(connections, TimeSpan.FromSeconds(warmup));
        Console.WriteLine($"{kind}: forwarding, {connections} connections for {maxSeconds} s…");
        var forwarded = await forwarding.ClosedLoop(connections, TimeSpan.FromSeconds(maxSeconds));
        Console.WriteLine($"{kind}: {forwarded.AcknowledgedPerSecond:N0} messages/s; {LoadBenchmark.Statuses(forwarded)}");
        return new Measured(graphResult, forwarded);
    }
}
