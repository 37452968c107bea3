using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace InboxServerless.Bench.Load;

/// <summary>What a run of the generator saw.</summary>
public sealed record LoadResult(
    long Sent, long Acknowledged, long Failed, long Shed, long EventsAcknowledged, TimeSpan Elapsed, Latencies Latencies,
    IReadOnlyDictionary<int, long> Statuses)
{
    public double AcknowledgedPerSecond => Acknowledged / Elapsed.TotalSeconds;
    public double EventsPerSecond => EventsAcknowledged / Elapsed.TotalSeconds;
}

/// <summary>
/// Posts signed deliveries to one loopback endpoint, either at a fixed rate (open loop: latency counts from when a
/// request was due, so a stalled server is not hidden by a generator that waits for it) or as fast as a fixed number of
/// connections allows (closed loop). It always stops on its own: after the duration, with at most
/// <c>maxInFlight</c> requests outstanding (the rest are shed and counted), each with a timeout.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly Uri target;
    private readonly ITraffic traffic;
    private readonly HttpClient client;

    public LoadGenerator(Uri target, ITraffic traffic)
    {
        // A load generator aimed at someone else's server is an attack: this one only talks to this machine.
        if (!target.IsLoopback || !IPAddress.TryParse(target.Host, out var address) || !IPAddress.IsLoopback(address))
            throw new ArgumentException($"The load generator only targets a loopback address, not {target}.", nameof(target));
        this.target = target;
        this.traffic = traffic;
        client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = RequestTimeout,
        };
    }

    /// <summary>
    /// <paramref name="requestsPerSecond"/> for <paramref name="duration"/>; <paramref name="sent"/> hears of each delivery
    /// and the stopwatch time it was due.
    /// </summary>
    public async Task<LoadResult> FixedRate(int requestsPerSecond, TimeSpan duration, int maxInFlight = 2_000,
        Action<Delivery, long>? sent = null)
    {
        var total = (long)(requestsPerSecond * duration.TotalSeconds);
        var run = new Run(total);
        var inFlight = new List<Task>((int)Math.Min(total, 1_000_000));
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; i < total;)
        {
            var due = Math.Min(total, (Stopwatch.GetTimestamp() - start) * requestsPerSecond / Stopwatch.Frequency + 1);
            for (; i < due; i++)
            {
                if (run.Outstanding >= maxInFlight) run.Shed();
                else inFlight.Add(Send(run, i, start + i * Stopwatch.Frequency / requestsPerSecond, sent));
            }

            // Task.Delay rather than spinning: the generator shares two cores with the server it measures.
            await Task.Delay(1);
        }

        await Task.WhenAll(inFlight);
        return run.Result(Stopwatch.GetElapsedTime(start), traffic.EventsPerBatch);
    }

    /// <summary>Each connection sends its next request as soon as the last is answered, until the duration or the count is spent.</summary>
    public async Task<LoadResult> ClosedLoop(int connections, TimeSpan duration, long maxRequests = long.MaxValue)
    {
        var run = new Run(capacity: 0);
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var budget = maxRequests;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < stopAt && Interlocked.Decrement(ref budget) >= 0)
                await Send(run, -1, Stopwatch.GetTimestamp(), sent: null);
        }));
        return run.Result(Stopwatch.GetElapsedTime(start), traffic.EventsPerBatch);
    }

    public void Dispose() => client.Dispose();

    private async Task Send(Run run, long index, long due, Action<Delivery, long>? sent)
    {
        run.Started();
        var delivery = traffic.Next();
        sent?.Invoke(delivery, due);
        var status = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(delivery.Body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(delivery.ContentType);
            foreach (var (name, value) in delivery.Headers) request.Headers.TryAddWithoutValidation(name, value);
            using var response = await client.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
        }
        finally
        {
            run.Finished(index, status, Stopwatch.GetTimestamp() - due);
        }
    }

    /// <summary>The tallies of one run, written by many requests at once.</summary>
    private sealed class Run(long capacity)
    {
        private readonly long[] latencies = new long[capacity];
        private readonly System.Collections.Concurrent.ConcurrentBag<long> open = [];
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> statuses = new();
        private long outstanding, sent, acknowledged, failed, shed;

        public long Outstanding => Interlocked.Read(ref outstanding);

        public void Shed() => Interlocked.Increment(ref shed);

        public void Started()
        {
            Interlocked.Increment(ref outstanding);
            Interlocked.Increment(ref sent);
        }

        public void Finished(long index, int status, long latency)
        {
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status is >= 200 and < 300)
            {
                Interlocked.Increment(ref acknowledged);
                if (index >= 0) latencies[index] = latency;
                else open.Add(latency);
            }
            else
            {
                Interlocked.Increment(ref failed);
                if (index >= 0) latencies[index] = -1;
            }

            Interlocked.Decrement(ref outstanding);
        }

        public LoadResult Result(TimeSpan elapsed, int eventsPerBatch) => new(
            sent, acknowledged, failed, shed, acknowledged * eventsPerBatch, elapsed,
            new Latencies(latencies.Length > 0 ? latencies.Where(l => l > 0) : open),
            statuses.OrderBy(s => s.Key).ToDictionary());
    }
}
