using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;

namespace InboxServerless.Azure.Email;

/// <summary>What a delta query found: the ids of the messages added since the last delta link, and the link to read on from.</summary>
public sealed record GraphDelta(IReadOnlyList<string> MessageIds, string DeltaLink, bool Resynced);

/// <summary>
/// Office 365 mailboxes through the Microsoft Graph SDK, with the app's credential in each mailbox's tenant: the upkeep of
/// subscriptions (<see cref="IGraphMailboxes"/>), and reading messages and the inbox's delta for the mailbox reader.
/// Every call has the deadline of <see cref="GraphOptions.RequestTimeout"/> (the HTTP client's, over the SDK's retries of
/// throttled calls, which honour <c>Retry-After</c>); what is left of throttling is thrown, for the queue to redeliver.
/// </summary>
public sealed class GraphMailboxApi : IGraphMailboxes, IDisposable
{
    /// <summary>What threading and the normaliser need; <c>internetMessageHeaders</c> only come when selected.</summary>
    public static readonly string[] MessageFields =
        ["id", "internetMessageId", "conversationId", "internetMessageHeaders", "subject", "from", "body", "sentDateTime", "receivedDateTime", "hasAttachments"];

    /// <summary>A bound on pages followed in one catch-up, against a link that never ends.</summary>
    public const int MaxDeltaPages = 1000;

    private static readonly Dictionary<string, ParsableFactory<IParsable>> Errors = new() { ["XXX"] = ODataError.CreateFromDiscriminatorValue };

    private readonly HttpClient http;
    private readonly GraphOptions options;
    private readonly IGraphCredentials credentials;
    private readonly ConcurrentDictionary<string, GraphServiceClient> clients = new(StringComparer.OrdinalIgnoreCase);

    public GraphMailboxApi(GraphOptions options, IGraphCredentials credentials, HttpMessageHandler? transport = null)
    {
        this.options = options;
        this.credentials = credentials;
        // The SDK's own pipeline (retry on 429/503 with Retry-After, redirects, compression) over our transport.
        http = GraphClientFactory.Create(finalHandler: transport ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        http.Timeout = options.RequestTimeout;
    }

    public void Dispose() => http.Dispose();

    private GraphServiceClient Client(string tenantId) => clients.GetOrAdd(tenantId, tenant =>
        new GraphServiceClient(http, new BearerToken(credentials.For(tenant)), options.BaseUrl.TrimEnd('/')));

    public Task<Outcome<bool>> CheckMailbox(string tenantId, string address, CancellationToken ct) =>
        Call(tenantId, address, notFound: Problem.Invalid("address",
            $"Tenant {tenantId} has no mailbox {address} (or it has no inbox): give the address of a user or shared mailbox of that tenant."),
            async () =>
            {
                await Client(tenantId).Users[address].MailFolders["inbox"].GetAsync(r => r.QueryParameters.Select = ["id"], ct);
                return true;
            });

    public Task<Outcome<GraphSubscriptionCreated>> Subscribe(string tenantId, string address, string clientState, DateTimeOffset expiresAt, CancellationToken ct) =>
        Call(tenantId, address, notFound: Problem.Invalid("address", $"Tenant {tenantId} has no mailbox {address}."), async () =>
        {
            if (string.IsNullOrEmpty(options.NotificationUrl) || string.IsNullOrEmpty(options.LifecycleNotificationUrl))
                throw new InvalidOperationException("Set Graph__NotificationUrl and Graph__LifecycleNotificationUrl: the public URLs of /api/webhooks/graph and /api/webhooks/graph/lifecycle.");
            var created = await Client(tenantId).Subscriptions.PostAsync(new Subscription
            {
                ChangeType = "created",
                NotificationUrl = options.NotificationUrl,
                LifecycleNotificationUrl = options.LifecycleNotificationUrl,
                Resource = $"users/{address}/mailFolders('inbox')/messages",
                ExpirationDateTime = expiresAt,
                ClientState = clientState,
            }, cancellationToken: ct);
            return new GraphSubscriptionCreated(created?.Id ?? throw new InvalidOperationException("Graph created a subscription without an id."),
                created.ExpirationDateTime ?? expiresAt);
        });

    public Task<Outcome<DateTimeOffset>> Renew(string tenantId, string subscriptionId, DateTimeOffset expiresAt, CancellationToken ct) =>
        Call(tenantId, null, notFound: Problem.NotFound("The Graph subscription"), async () =>
        {
            var renewed = await Client(tenantId).Subscriptions[subscriptionId].PatchAsync(new Subscription { ExpirationDateTime = expiresAt }, cancellationToken: ct);
            return renewed?.ExpirationDateTime ?? expiresAt;
        });

    public async Task<Outcome<bool>> Unsubscribe(string tenantId, string subscriptionId, CancellationToken ct)
    {
        var deleted = await Call(tenantId, null, notFound: Problem.NotFound("The Graph subscription"), async () =>
        {
            await Client(tenantId).Subscriptions[subscriptionId].DeleteAsync(cancellationToken: ct);
            return true;
        });
        return deleted.Problem?.Kind == ProblemKind.NotFound ? false : deleted;
    }

    /// <summary>
    /// The message as Graph's JSON, with its headers and attachments (their <c>contentBytes</c>), for
    /// <see cref="GraphMessageNormaliser"/>; <c>null</c> when it is gone (deleted or moved since the notification).
    /// Throws when Graph cannot be reached or refuses.
    /// </summary>
    public async Task<byte[]?> GetMessage(string tenantId, string address, string messageId, CancellationToken ct)
    {
        var client = Client(tenantId);
        var request = client.Users[address].Messages[messageId].ToGetRequestInformation(r =>
        {
            r.QueryParameters.Select = MessageFields;
            r.QueryParameters.Expand = ["attachments"];
        });
        try
        {
            await using var body = await client.RequestAdapter.SendPrimitiveAsync<Stream>(request, Errors, ct);
            if (body is null) return null;
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy, ct);
            return copy.ToArray();
        }
        catch (ApiException e) when (e.ResponseStatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// The inbox's delta since <paramref name="deltaLink"/>, every <c>@odata.nextLink</c> followed. Without a link, or when
    /// Graph answers <c>410 Gone</c> for it, a full resync of the messages received since <paramref name="resyncFrom"/>.
    /// </summary>
    public async Task<GraphDelta> ReadDelta(string tenantId, string address, string? deltaLink, DateTimeOffset resyncFrom, CancellationToken ct)
    {
        var delta = Client(tenantId).Users[address].MailFolders["inbox"].Messages.Delta;
        var resynced = deltaLink is null;
        Microsoft.Graph.Users.Item.MailFolders.Item.Messages.Delta.DeltaGetResponse? page;
        try
        {
            page = deltaLink is null ? await Start() : await delta.WithUrl(deltaLink).GetAsDeltaGetResponseAsync(cancellationToken: ct);
        }
        catch (ApiException e) when (e.ResponseStatusCode == 410)
        {
            resynced = true;
            page = await Start();
        }

        var ids = new List<string>();
        for (var pages = 1; ; pages++)
        {
            foreach (var message in page?.Value ?? [])
            {
                // A removed message comes back as its id and "@removed": nothing to read.
                if (message.Id is { } id && !(message.AdditionalData?.ContainsKey("@removed") ?? false) && !ids.Contains(id)) ids.Add(id);
            }

            if (page?.OdataDeltaLink is { } link) return new GraphDelta(ids, link, resynced);
            if (page?.OdataNextLink is not { } next || pages >= MaxDeltaPages)
                throw new InvalidOperationException($"Graph's delta of {address} ended without a delta link.");
            page = await delta.WithUrl(next).GetAsDeltaGetResponseAsync(cancellationToken: ct);
        }

        Task<Microsoft.Graph.Users.Item.MailFolders.Item.Messages.Delta.DeltaGetResponse?> Start() => delta.GetAsDeltaGetResponseAsync(r =>
        {
            r.QueryParameters.Select = ["id"];
            r.QueryParameters.Filter = $"receivedDateTime ge {resyncFrom.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
        }, ct);
    }

    /// <summary>Graph's refusals as problems that say what to do; anything else unexpected is Graph out of reach.</summary>
    private async Task<Outcome<T>> Call<T>(string tenantId, string? address, Problem notFound, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ApiException e) when (e.ResponseStatusCode is 401 or 403)
        {
            return NotGranted(tenantId, address, Message(e));
        }
        catch (ApiException e) when (e.ResponseStatusCode == 404)
        {
            return notFound;
        }
        catch (AuthenticationFailedException e)
        {
            // A tenant that never consented has no service principal of the app: Entra refuses the token (AADSTS700016).
            return NotGranted(tenantId, address, e.Message);
        }
        catch (ApiException e)
        {
            return new Problem(ProblemKind.Unavailable, "Microsoft Graph refused the request: try again.", $"{e.ResponseStatusCode}: {Message(e)}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return new Problem(ProblemKind.Unavailable, "Microsoft Graph could not be reached: try again.", e.Message);
        }
    }

    private Problem NotGranted(string tenantId, string? address, string why) => Problem.Invalid("tenantId",
        $"Microsoft Graph refused to read {address ?? "the mailbox"} in tenant {tenantId}: an admin of that tenant must grant this app " +
        $"admin consent for the application permissions Mail.Read and Mail.Send ({options.AdminConsentUrl(tenantId)}). Graph said: {why}");

    private static string Message(ApiException e) => e is ODataError { Error.Message: { } message } ? message : e.Message;

    /// <summary>The tenant's credential as the SDK's authentication provider: a bearer token for Graph's default scope.</summary>
    private sealed class BearerToken(TokenCredential credential) : IAuthenticationProvider
    {
        private static readonly TokenRequestContext Scope = new(["https://graph.microsoft.com/.default"]);

        public async Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            var token = await credential.GetTokenAsync(Scope, cancellationToken);
            request.Headers.TryAdd("Authorization", $"Bearer {token.Token}");
        }
    }
}
