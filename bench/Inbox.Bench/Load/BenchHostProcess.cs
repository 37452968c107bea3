using System.Diagnostics;
using InboxServerless.Local;

namespace InboxServerless.Bench.Load;

/// <summary>A <see cref="BenchHost"/> in a child process: started, watched for its working set, and always killed.</summary>
public sealed class BenchHostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient client;
    private readonly CancellationTokenSource sampling = new();
    private readonly Task sampler;
    private long peakWorkingSet;

    private BenchHostProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
        client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        sampler = SampleWorkingSet(sampling.Token);
    }

    public Uri BaseAddress { get; }

    public Uri Webhook => new(BaseAddress, BenchHost.WebhookPath);

    public HttpClient Client => client;

    /// <summary>The highest working set seen since the last <see cref="ResetPeak"/> (sampled every 100 ms).</summary>
    public long PeakWorkingSet => Interlocked.Read(ref peakWorkingSet);

    public void ResetPeak() => Interlocked.Exchange(ref peakWorkingSet, 0);

    public static async Task<BenchHostProcess> Start(string kind, IReadOnlyDictionary<string, string> settings)
    {
        var address = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Run the same program again: through `dotnet Inbox.Bench.dll` or its own launcher.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(BenchHost).Assembly.Location);
        foreach (var argument in (string[])["host", kind, "--urls", address.ToString().TrimEnd('/')]) start.ArgumentList.Add(argument);
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");

        var process = Process.Start(start) ?? throw new InvalidOperationException("The bench host did not start.");
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new BenchHostProcess(process, address);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited)
            {
                await host.DisposeAsync();
                throw new InvalidOperationException($"The bench host ({kind}) exited with {process.ExitCode}: {errors}");
            }

            try
            {
                using var ready = await host.client.GetAsync("bench/stats");
                if (ready.IsSuccessStatusCode) return host;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        await host.DisposeAsync();
        throw new TimeoutException($"The bench host ({kind}) did not answer within 90 s: {errors}");
    }

    public async Task<HostStats> Stats() => (await client.GetFromJsonAsync<HostStats>("bench/stats"))!;

    public async Task<Dictionary<string, long>> Routed() => (await client.GetFromJsonAsync<Dictionary<string, long>>("bench/routed"))!;

    public async ValueTask DisposeAsync()
    {
        await sampling.CancelAsync();
        await sampler;
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        client.Dispose();
        sampling.Dispose();
    }

    private async Task SampleWorkingSet(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                process.Refresh();
                if (process.HasExited) return;
                var now = process.WorkingSet64;
                if (now > Interlocked.Read(ref peakWorkingSet)) Interlocked.Exchange(ref peakWorkingSet, now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
