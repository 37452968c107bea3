using InboxServerless.DevHost;
using InboxServerless.Functions.Http;
using InboxServerless.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// A dev host under test: a Cosmos DB emulator process of its own and the dev host on a free port, with no timers; a
/// fixture adds its settings (<see cref="Settings"/>) and its test-only wrappers (<see cref="ConfigureServices"/>).
/// </summary>
public abstract class DevHostUnderTest : IAsyncLifetime
{
    private CosmosEmulator? emulator;
    private WebApplication? app;
    private readonly SocketsHttpHandler handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    public WebApplication App => app ?? throw new InvalidOperationException("The dev host has not started.");

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => App.Services;

    public InProcessInboundQueue Queue => App.Services.GetRequiredService<InProcessInboundQueue>();

    /// <summary>This host's settings, over the ones every host under test has.</summary>
    protected abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Runs after the dev host's own registrations: wrap or replace a service.</summary>
    protected abstract void ConfigureServices(IServiceCollection services);

    public async Task InitializeAsync()
    {
        emulator = await CosmosEmulator.Start();
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Cosmos:ConnectionString"] = emulator.ConnectionString,
            ["Cosmos:UseGateway"] = "true",
            ["Cosmos:AcceptAnyServerCertificate"] = "true",
            ["DevHost:Timers:Enabled"] = "false",
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        app = await DevHostApp.Start([], settings, ConfigureServices);
        BaseAddress = App.Addresses().Single();
    }

    public async Task DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        if (emulator is not null) await emulator.DisposeAsync();
        handler.Dispose();
    }

    /// <summary>A client that sends this exact principal header; without one the dev host fills in its development principal.</summary>
    public HttpClient WithPrincipal(string? header)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (header is not null) client.DefaultRequestHeaders.TryAddWithoutValidation(ClientPrincipal.Header, header);
        return client;
    }
}
