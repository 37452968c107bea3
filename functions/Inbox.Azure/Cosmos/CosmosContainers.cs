using Azure.Identity;
using InboxServerless.Core.Json;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>
/// Wraps the HTTP handler the Cosmos client sends through: the wrapper sits under the SDK (and its request timeout) and
/// over the transport, and sees every gateway request (in Direct mode only the metadata ones). For diagnostics, proxies, and tests that fault
/// the wire as Cosmos would (429, 503, a stalled response). Registered as a service, <see cref="CosmosContainers"/> uses it.
/// </summary>
public delegate HttpMessageHandler CosmosTransportWrapper(HttpMessageHandler transport);

/// <summary>The database and its containers, created on first use if absent.</summary>
public sealed class CosmosContainers : IDisposable
{
    public const string Inboxes = "inboxes";
    public const string ChannelBindings = "channelBindings";
    public const string Directory = "directory";
    public const string Conversations = "conversations";
    public const string Contacts = "contacts";
    public const string Tickets = "tickets";
    public const string MailboxSubscriptions = "mailboxSubscriptions";

    private readonly CosmosStoreOptions options;
    private readonly Lock gate = new();
    private Task<Database>? database;

    public CosmosContainers(CosmosStoreOptions options, CosmosRequestCounter? counter = null, CosmosTransportWrapper? wrapTransport = null)
    {
        this.options = options;
        Counter = counter ?? new CosmosRequestCounter();
        Client = CreateClient(options, Counter, wrapTransport);
    }

    public CosmosClient Client { get; }

    /// <summary>Every request this client sends, counted: tests hold the hot path to its budget with it.</summary>
    public CosmosRequestCounter Counter { get; }

    public async Task<Container> Get(string name) => (await Database()).GetContainer(name);

    /// <summary>
    /// With a managed identity the app holds a data-plane role only and cannot create anything: the deployment
    /// (infra/cosmos.bicep) has created the database and containers. With a key (the emulator) it creates them, once;
    /// a creation that failed (a 429, a timeout) is tried again by the next call rather than kept until restart.
    /// </summary>
    private Task<Database> Database()
    {
        lock (gate)
        {
            if (database is null || database.IsFaulted || database.IsCanceled)
            {
                database = string.IsNullOrEmpty(options.ConnectionString)
                    ? Task.FromResult(Client.GetDatabase(options.Database))
                    : CreateAll();
            }

            return database;
        }
    }

    private async Task<Database> CreateAll()
    {
        Database db = await Client.CreateDatabaseIfNotExistsAsync(options.Database);
        // Inbox names are unique per account: a unique key is enforced within the partition, which is the account.
        await db.CreateContainerIfNotExistsAsync(new ContainerProperties(Inboxes, "/accountId")
        {
            UniqueKeyPolicy = new UniqueKeyPolicy { UniqueKeys = { new UniqueKey { Paths = { "/nameKey" } } } },
        });
        // Looked up by key alone on the hot path: one logical partition per binding, so every read is a point read.
        await db.CreateContainerIfNotExistsAsync(new ContainerProperties(ChannelBindings, "/id"));
        await db.CreateContainerIfNotExistsAsync(new ContainerProperties(Directory, "/accountId"));
        // A conversation and its messages live in their inbox's partition: the hot path and the inbox's listings stay in one.
        await db.CreateContainerIfNotExistsAsync(new ContainerProperties(Conversations, "/inboxId"));
        await db.CreateContainerIfNotExistsAsync(new ContainerProperties(Contacts, "/accountId"));
        await db.CreateContainerIfNotExistsAsync(new ContainerProperties(Tickets, "/accountId"));
        // Graph's subscription id is what a notification names: one partition each, so the webhook's lookup is a point read.
        await db.CreateContainerIfNotExistsAsync(new ContainerProperties(MailboxSubscriptions, "/id"));
        return db;
    }

    private static CosmosClient CreateClient(CosmosStoreOptions options, CosmosRequestCounter counter, CosmosTransportWrapper? wrapTransport)
    {
        var clientOptions = new CosmosClientOptions
        {
            UseSystemTextJsonSerializerWithOptions = InboxJson.Storage,
            ConnectionMode = options.UseGateway ? ConnectionMode.Gateway : ConnectionMode.Direct,
            LimitToEndpoint = options.UseGateway,
            MaxRetryAttemptsOnRateLimitedRequests = 9,
            MaxRetryWaitTimeOnRateLimitedRequests = options.MaxThrottleRetryWait,
            CustomHandlers = { counter },
        };
        if (options.RequestTimeout is { } timeout) clientOptions.RequestTimeout = timeout;
        // In Gateway mode the SDK waits 65 s for a write whatever RequestTimeout says, so a set timeout is enforced here.
        var gatewayTimeout = options.UseGateway ? options.RequestTimeout : null;
        if (options.AcceptAnyServerCertificate || wrapTransport is not null || gatewayTimeout is not null)
        {
            clientOptions.HttpClientFactory = () =>
            {
                var transport = new HttpClientHandler();
                if (options.AcceptAnyServerCertificate)
                    transport.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
                var handler = wrapTransport?.Invoke(transport) ?? transport;
                return new HttpClient(gatewayTimeout is { } t ? new AttemptTimeout(t) { InnerHandler = handler } : handler);
            };
        }

        if (!string.IsNullOrEmpty(options.ConnectionString)) return new CosmosClient(options.ConnectionString, clientOptions);
        if (!string.IsNullOrEmpty(options.Endpoint)) return new CosmosClient(options.Endpoint, new DefaultAzureCredential(), clientOptions);
        throw new InvalidOperationException("Set Cosmos:ConnectionString or Cosmos:Endpoint.");
    }

    public void Dispose() => Client.Dispose();
}

/// <summary>
/// Cancels an attempt that has no answer after the timeout. The SDK takes that cancellation as a timeout of its own:
/// a read is retried, a write fails with 408 (it may have been applied), and the caller's retry decides.
/// </summary>
internal sealed class AttemptTimeout(TimeSpan timeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        return await base.SendAsync(request, attempt.Token);
    }
}
