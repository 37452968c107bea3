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
    /// How long one request may wait for its answer; empty: the SDK's defaults (in Gateway mode 65 s for a write).
    /// Shorter fails a stalled call sooner, so the activity's retry gets its turn.
    /// </summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>For the local emulator only: its certificate is self-signed (and long expired).</summary>
    public bool AcceptAnyServerCertificate { get; set; }
}
