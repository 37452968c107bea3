using System.Diagnostics;

namespace InboxServerless.Local;

/// <summary>Where the pinned npm emulators live: <c>infra/local</c> of the repository this program was built from.</summary>
public static class LocalEmulators
{
    public static string Folder { get; } = FindFolder();

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "infra", "local");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }

        throw new InvalidOperationException("infra/local/package.json not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Starts <c>node</c> in this folder with its output read by the caller and its errors drained.</summary>
    internal static Process StartNode(IReadOnlyList<string> arguments, bool redirectInput = false)
    {
        var start = new ProcessStartInfo("node", arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        process.ErrorDataReceived += (_, _) => { }; // drained, so a chatty emulator never blocks on a full pipe
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Reads what is left of an emulator's output, so that it never blocks on a full pipe.</summary>
    internal static async Task Drain(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }
}

/// <summary>
/// The npm Cosmos DB emulator (<c>@vercel/cosmosdb-server</c>, patched) as a child process on a free loopback port.
/// It exits on its own when this process goes away (it watches its standard input), and is killed on dispose.
/// </summary>
public sealed class CosmosEmulator : IAsyncDisposable
{
    /// <summary>The emulator checks no key; the SDK only needs a well-formed one.</summary>
    public const string Key = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private readonly Process process;

    private CosmosEmulator(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }
    public int ProcessId => process.Id;
    public string Endpoint => $"https://127.0.0.1:{Port}/";
    public string ConnectionString => $"AccountEndpoint={Endpoint};AccountKey={Key};";

    public static async Task<CosmosEmulator> Start(int port = 0, TimeSpan? timeout = null)
    {
        var script = Path.Combine(LocalEmulators.Folder, "cosmos.js");
        if (!Directory.Exists(Path.Combine(LocalEmulators.Folder, "node_modules")))
            throw new InvalidOperationException($"Run 'npm ci' in {LocalEmulators.Folder} (the build does it) before starting the emulator.");

        // Standard input open: the emulator's script ends when its parent's pipe closes.
        var process = LocalEmulators.StartNode([script, port.ToString()], redirectInput: true);

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                if (!line.StartsWith("listening ", StringComparison.Ordinal)) continue;
                var emulator = new CosmosEmulator(process, int.Parse(line["listening ".Length..]));
                _ = LocalEmulators.Drain(process.StandardOutput);
                return emulator;
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("The Cosmos DB emulator did not start.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
