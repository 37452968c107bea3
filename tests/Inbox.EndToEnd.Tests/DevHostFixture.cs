using InboxServerless.DevHost;
using InboxServerless.DevHost.Local;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Builder;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// One Cosmos DB emulator process and one dev host on a free port for the whole test run. Tests stay apart by account:
/// each test acts as admins and users of accounts of its own (see <see cref="NewAccount"/>), and nothing crosses accounts.
/// </summary>
public sealed class DevHostFixture : IAsyncLifetime
{
    private CosmosEmulator? emulator;
    private WebApplication? app;
    private readonly SocketsHttpHandler handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    public WebApplication App => app ?? throw new InvalidOperationException("The dev host has not started.");

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        emulator = await CosmosEmulator.Start();
        app = await DevHostApp.Start([], new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Cosmos:ConnectionString"] = emulator.ConnectionString,
            ["Cosmos:UseGateway"] = "true",
            ["Cosmos:AcceptAnyServerCertificate"] = "true",
            ["Cosmos:Database"] = "endToEnd",
            ["DevHost:Timers:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        BaseAddress = App.Addresses().Single();
    }

    public async Task DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        if (emulator is not null) await emulator.DisposeAsync();
        handler.Dispose();
    }

    public static string NewAccount() => "e2e-" + Guid.NewGuid().ToString("N");

    /// <summary>A client acting as an account admin.</summary>
    public HttpClient Admin(string accountId, string userId = "admin") => As(accountId, userId, ClientPrincipal.AccountAdminRole);

    /// <summary>A client acting as a user with the given roles (none: a plain member of the account).</summary>
    public HttpClient As(string accountId, string userId, params string[] roles) =>
        WithPrincipal(ClientPrincipal.Encode(accountId, userId, roles));

    /// <summary>A client that sends this exact principal header; without one the dev host fills in its development principal.</summary>
    public HttpClient WithPrincipal(string? header)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (header is not null) client.DefaultRequestHeaders.TryAddWithoutValidation(ClientPrincipal.Header, header);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class DevHostCollection : ICollectionFixture<DevHostFixture>
{
    public const string Name = "dev host";
}
