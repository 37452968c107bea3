namespace InboxServerless.Azure.Cosmos;

/// <summary>Configuration section <c>Cosmos</c>.</summary>
public sealed class CosmosStoreOptions
{
    public const string Section = "Cosmos";

    /// <summary>A key-based connection string; or leave it empty and set <see cref="Endpoint"/> to use a managed identity.</summary>
    public string? ConnectionString { get; set; }

    public string? Endpoint { get; set; }

    public string Database { get; set; } = "inbox";

    /// <summary>Gateway mode speaks HTTPS only, which is what the local emulator understands; Azure uses Direct.</summary>
    public bool UseGateway { get; set; }

    /// <summary>
    /// How long one attempt of a request may wait for its answer (the SDK's own default is 65 s for a write in Gateway
    /// mode). Short, so a stalled store fails the call while the HTTP function's budget still has room for a 503, and an
    /// activity's retry gets its turn.
    /// </summary>
    public TimeSpan? RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the SDK may spend, in all, waiting out 429s for one request (it retries at most 9 times), instead of its
    /// 30 s: within an HTTP function's budget; the routing activities retry on their own.
    /// </summary>
    public TimeSpan MaxThrottleRetryWait { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>For the local emulator only: its certificate is self-signed (and long expired).</summary>
    public bool AcceptAnyServerCertificate { get; set; }
}
