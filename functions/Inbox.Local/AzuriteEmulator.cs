using System.Diagnostics;

namespace InboxServerless.Local;

/// <summary>
/// Azurite (blobs, queues, tables) from <c>infra/local</c> as a child process on free loopback ports, in memory.
/// It is killed on dispose, and when this process exits normally (<see cref="AppDomain.ProcessExit"/>).
/// </summary>
public sealed class AzuriteEmulator : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string Listening = "successfully listening at";

    private readonly Process process;
    private readonly EventHandler onExit;

    private AzuriteEmulator(Process process, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        onExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += onExit;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public int ProcessId => process.Id;

    public string BlobEndpoint => $"http://127.0.0.1:{BlobPort}/{AccountName}";
    public string QueueEndpoint => $"http://127.0.0.1:{QueuePort}/{AccountName}";
    public string TableEndpoint => $"http://127.0.0.1:{TablePort}/{AccountName}";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    public static async Task<AzuriteEmulator> Start(TimeSpan? timeout = null)
    {
        var script = Path.Combine(LocalEmulators.Folder, "node_modules", ".bin", "azurite");
        if (!File.Exists(script))
            throw new InvalidOperationException($"Run 'npm ci' in {LocalEmulators.Folder} (the build does it) before starting Azurite.");

        // Free ports are picked here and may be taken before Azurite binds them: then try again with others.
        for (var attempt = 1; ; attempt++)
        {
            var ports = LoopbackPorts.Free(3);
            var emulator = await TryStart(script, ports[0], ports[1], ports[2], timeout ?? TimeSpan.FromSeconds(30));
            if (emulator is not null) return emulator;
            if (attempt == 3) throw new InvalidOperationException("Azurite did not start.");
        }
    }

    private static async Task<AzuriteEmulator?> TryStart(string script, int blobPort, int queuePort, int tablePort, TimeSpan timeout)
    {
        var process = LocalEmulators.StartNode(
        [
            script, "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(),
        ]);

        using var cts = new CancellationTokenSource(timeout);
        var listening = 0;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                if (!line.Contains(Listening, StringComparison.Ordinal) || ++listening < 3) continue;
                _ = LocalEmulators.Drain(process.StandardOutput);
                return new AzuriteEmulator(process, blobPort, queuePort, tablePort);
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        return null;
    }

    private void Kill()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= onExit;
        Kill();
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
