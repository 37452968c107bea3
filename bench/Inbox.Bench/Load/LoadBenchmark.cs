using InboxServerless.Local;

namespace InboxServerless.Bench.Load;

/// <summary>
/// The ingest path under load: signed Messenger deliveries posted over loopback HTTP to the dev host (the webhook
/// function checks the signature, parses, resolves the page and queues, then answers), beside a bare Kestrel endpoint
/// that only reads the body and answers 200, each in its own process, measured in the same run.
/// </summary>
public static class LoadBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var options = new BenchOptions(args);
        var seconds = options.Int("seconds", 60);
        var rate = options.Int("rate", 1000);
        var batch = options.Int("batch", 10);
        var warmup = options.Int("warmup-seconds", 5);
        var maxSeconds = options.Int("max-seconds", 10);
        var connections = options.Int("connections", 64);
        options.CheckAllKnown();

        Report.Machine();
        Console.WriteLine($"ingest load: signed Messenger deliveries of {batch} events; {rate} requests/s for {seconds} s after {warmup} s of warm-up, " +
                          $"then {connections} connections flat out for {maxSeconds} s. Generator and server share the machine.");

        await using var cosmos = await CosmosEmulator.Start();
        var bare = await Measure("bare", cosmos, batch, rate, seconds, warmup, maxSeconds, connections);
        var ingest = await Measure("ingest", cosmos, batch, rate, seconds, warmup, maxSeconds, connections);

        Report.Header($"ingest at {rate} requests/s ({rate * batch} events/s) for {seconds} s: dev host vs bare Kestrel");
        Report.Row("requests sent", ingest.Fixed.Sent, bare.Fixed.Sent);
        Report.Row("requests acknowledged (2xx)", ingest.Fixed.Acknowledged, bare.Fixed.Acknowledged);
        Report.Row("requests failed or shed", ingest.Fixed.Failed + ingest.Fixed.Shed, bare.Fixed.Failed + bare.Fixed.Shed);
        Report.Row("acknowledged events/s", ingest.Fixed.EventsPerSecond, bare.Fixed.EventsPerSecond);
        Report.Row("acknowledgement p50", ingest.Fixed.Latencies.Percentile(50), bare.Fixed.Latencies.Percentile(50), "ms");
        var p99 = ingest.Fixed.Latencies.Percentile(99);
        Report.Row("acknowledgement p99", p99, bare.Fixed.Latencies.Percentile(99), "ms", "< 25 ms", p99 < 25);
        Report.Row("acknowledgement p99.9", ingest.Fixed.Latencies.Percentile(99.9), bare.Fixed.Latencies.Percentile(99.9), "ms");
        Report.Row("acknowledgement max", ingest.Fixed.Latencies.Max, bare.Fixed.Latencies.Max, "ms");
        Report.Row("working set before the load", ingest.IdleWorkingSet / 1048576.0, bare.IdleWorkingSet / 1048576.0, "MB");
        var peakMb = ingest.PeakWorkingSet / 1048576.0;
        Report.Row("peak working set", peakMb, bare.PeakWorkingSet / 1048576.0, "MB", "< 300 MB", peakMb < 300);
        Report.Row("bytes allocated per request", ingest.BytesPerRequest, bare.BytesPerRequest, "B");
        Report.Row("bytes allocated per event", ingest.BytesPerRequest / batch, bare.BytesPerRequest / batch, "B");

        Report.Header($"maximum throughput: {connections} connections, {maxSeconds} s");
        var ratio = ingest.Max.AcknowledgedPerSecond / bare.Max.AcknowledgedPerSecond;
        Report.Row("acknowledged requests/s", ingest.Max.AcknowledgedPerSecond, bare.Max.AcknowledgedPerSecond, "", ">= 0.5 of bare", ratio >= 0.5);
        Report.Row("acknowledged events/s", ingest.Max.EventsPerSecond, bare.Max.EventsPerSecond);
        Report.Row("p99 under saturation", ingest.Max.Latencies.Percentile(99), bare.Max.Latencies.Percentile(99), "ms");
        Report.Line($"statuses at fixed rate: dev host {Statuses(ingest.Fixed)}; bare {Statuses(bare.Fixed)}");
        return 0;
    }

    private sealed record Measured(LoadResult Fixed, LoadResult Max, long IdleWorkingSet, long PeakWorkingSet, double BytesPerRequest);

    private static async Task<Measured> Measure(
        string kind, CosmosEmulator cosmos, int batch, int rate, int seconds, int warmup, int maxSeconds, int connections)
    {
        await using var host = await BenchHostProcess.Start(kind, BenchInbox.Settings(cosmos, "benchIngest"));
        var pageId = kind == "bare" ? "100000000000" : await BenchInbox.Create(host.Client);
        using var generator = new LoadGenerator(host.Webhook, new MessengerTraffic(pageId, BenchInbox.AppSecret, batch, senders: 500));
        var idle = (await host.Stats()).WorkingSet;
        Console.WriteLine($"{kind}: warming up…");
        await generator.FixedRate(rate, TimeSpan.FromSeconds(warmup));

        Console.WriteLine($"{kind}: {rate} requests/s for {seconds} s…");
        host.ResetPeak();
        var before = await host.Stats();
        var fixedRate = await generator.FixedRate(rate, TimeSpan.FromSeconds(seconds));
        var after = await host.Stats();
        var peak = host.PeakWorkingSet;
        Console.WriteLine($"{kind}: {fixedRate.Latencies}; {Statuses(fixedRate)}");

        Console.WriteLine($"{kind}: {connections} connections flat out for {maxSeconds} s…");
        var max = await generator.ClosedLoop(connections, TimeSpan.FromSeconds(maxSeconds));
        Console.WriteLine($"{kind}: {max.AcknowledgedPerSecond:N0} requests/s; {Statuses(max)}");
        return new Measured(fixedRate, max, idle, peak, (after.AllocatedBytes - before.AllocatedBytes) / (double)Math.Max(1, fixedRate.Sent));
    }

    internal static string Statuses(LoadResult result) =>
        string.Join(", ", result.Statuses.Select(s => $"{(s.Key == 0 ? "no answer" : s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))} x{s.Value}"));
}
