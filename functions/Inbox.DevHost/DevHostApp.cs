using InboxServerless.Azure.Email.Acs;
using InboxServerless.Azure.Notifications;
using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.DevHost.Functions;
using InboxServerless.Functions;
using InboxServerless.Functions.Http;
using InboxServerless.Local;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace InboxServerless.DevHost;

/// <summary>
/// The local stand-in for the Functions host: the function app's own methods, found by their attributes, served on the
/// services of the same composition (<see cref="Composition.AddInbox"/>): HTTP functions by Kestrel, timers on their
/// schedules, the queue consumer by the in-process queue (<see cref="InProcessQueueServices"/>), orchestrations and
/// activities by the in-memory Durable Task engine (<see cref="DurableFunctions"/>). Used by <c>Program</c> and by the
/// end-to-end tests.
/// </summary>
public static class DevHostApp
{
    /// <summary>The port <c>func start</c> uses, so clients and docs need no second address.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>
    /// Builds the host. Configuration: <c>appsettings.json</c>, environment, <paramref name="args"/>, then
    /// <paramref name="overrides"/>. Without <c>Cosmos:ConnectionString</c> and <c>Cosmos:Endpoint</c> it starts the local
    /// Cosmos DB emulator and stops it with the host. <paramref name="configureServices"/> runs after the dev host's own
    /// registrations, so a test can replace or decorate a service (a store that fails on demand, a clock).
    /// </summary>
    public static async Task<WebApplication> Build(
        string[] args, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json beside the binaries, wherever the command was started from (dotnet run, tests).
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        if (string.IsNullOrEmpty(builder.Configuration["Urls"])) builder.WebHost.UseUrls(DefaultUrl);

        var functions = FunctionCatalog.All;
        EmulatorLease? emulator = null;
        FakeGraph? fakeGraph = null;
        AzuriteLease? azurite = null;
        WebApplication? app = null;
        try
        {
            if (string.IsNullOrEmpty(builder.Configuration["Cosmos:ConnectionString"]) && string.IsNullOrEmpty(builder.Configuration["Cosmos:Endpoint"]))
            {
                emulator = new EmulatorLease(await CosmosEmulator.Start());
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Cosmos:ConnectionString"] = emulator.Emulator.ConnectionString,
                    ["Cosmos:UseGateway"] = "true",
                    ["Cosmos:AcceptAnyServerCertificate"] = "true",
                });
                // Owned by the container: stopped when the host is disposed, after the server has drained its requests.
                builder.Services.AddSingleton(_ => emulator);
            }

            // Forwarded mail (waiting between the webhook and the reader) and attachments live in blobs: one Azurite,
            // stopped with the host, for whichever of the two the settings give no storage.
            var blobSettings = new[] { "ForwardedMail", "Attachments" }
                .Where(section => string.IsNullOrEmpty(builder.Configuration[$"{section}:ConnectionString"]) &&
                                  string.IsNullOrEmpty(builder.Configuration[$"{section}:BlobServiceUri"]))
                .ToList();
            if (blobSettings.Count > 0)
            {
                azurite = new AzuriteLease(await AzuriteEmulator.Start());
                builder.Configuration.AddInMemoryCollection(blobSettings.Select(section =>
                    KeyValuePair.Create<string, string?>($"{section}:ConnectionString", azurite.Emulator.ConnectionString)));
                builder.Services.AddSingleton(_ => azurite);
            }

            // Before the composition, so the Gmail client reads the fake's URLs (DevHost:FakeGmail).
            var fakeGmail = await FakeGmail.Start(builder, builder.Configuration["Urls"] is { Length: > 0 } urls ? urls.Split(';')[0] : DefaultUrl);
            if (builder.Configuration.GetValue<bool>(FakeGraphServices.Setting)) fakeGraph = await builder.AddFakeGraph();
            // Mail goes to the outbox (GET /admin/outbox) unless the settings name an ACS resource (Email:Acs).
            if (builder.Configuration.GetSection(AcsEmailOptions.Section).Get<AcsEmailOptions>() is not { IsConfigured: true })
                builder.Services.AddSingleton<IMailSender>(sp => sp.GetRequiredService<OutboxMailSender>());
            builder.Services.AddInbox(builder.Configuration);
            // Executors for functions that return an IActionResult, as the ASP.NET Core integration allows.
            builder.Services.AddMvcCore();

            var timers = functions.Where(f => f.Trigger == TriggerKind.Timer).Select(f => new TimerFunctionInvoker(f)).ToList();
            foreach (var timer in timers) TimerSchedule.Parse(timer.Function.Schedule!, builder.Configuration);
            builder.Services.AddSingleton<IReadOnlyList<TimerFunctionInvoker>>(timers);
            builder.Services.AddSingleton<TimerFunctionScheduler>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerFunctionScheduler>());

            // Orchestrations and activities: the same classes the function app's Durable functions wrap, on the in-memory
            // engine; then the queue, whose consumer starts orchestrations on that engine.
            builder.Services.AddDevHostDurableTask(DurableTasks.Register);
            builder.Services.AddInProcessQueue(builder.Configuration, functions);

            configureServices?.Invoke(builder.Services);

            app = builder.Build();
            if (emulator is not null) app.Services.GetRequiredService<EmulatorLease>();
            if (fakeGraph is not null)
            {
                app.Services.GetRequiredService<FakeGraph>(); // owned by the container from here
                var started = app;
                app.Lifetime.ApplicationStarted.Register(() => started.NotifyThisHost());
            }

            if (azurite is not null) app.Services.GetRequiredService<AzuriteLease>();
            foreach (var function in functions.Where(f => f.Trigger != TriggerKind.Unsupported))
                FunctionInvocation.CheckConstructible(function, app.Services);

            // First, so no failure below it reaches the developer exception page (which shows the request's headers).
            app.UseRequestBudget();
            // The function app's guard (RequestGuardMiddleware), before the development principal is added.
            app.Use(async (context, next) =>
            {
                if (!await RequestGuardHttp.Refused(context)) await next(context);
            });
            app.UseDevelopmentPrincipal();
            app.UseDevelopmentAdminOnly();
            app.MapFunctions(functions);
            app.MapAdminTrigger();
            app.MapQueueAdmin();
            app.MapOutbox();
            if (fakeGmail is not null)
            {
                app.PushTo(fakeGmail);
                app.MapFakeGmail();
            }

            if (fakeGraph is not null) app.MapFakeGraph();
            var built = app;
            app.Lifetime.ApplicationStarted.Register(() => LogStarted(built, functions, emulator?.Emulator));
            return app;
        }
        catch
        {
            if (app is not null) await app.DisposeAsync();
            if (emulator is not null) await emulator.DisposeAsync();
            if (fakeGraph is not null && app is null) await fakeGraph.DisposeAsync();
            if (azurite is not null) await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Builds and starts the host; with <c>Urls=http://127.0.0.1:0</c> read the port from <see cref="Addresses"/>.</summary>
    public static async Task<WebApplication> Start(
        string[] args, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null, CancellationToken ct = default)
    {
        var app = await Build(args, overrides, configureServices);
        try
        {
            await app.StartAsync(ct);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The addresses Kestrel is bound to (the real port when asked for port 0).</summary>
    public static IReadOnlyList<Uri> Addresses(this WebApplication app) =>
        [.. (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Select(a => new Uri(a))];

    /// <summary>
    /// The functions this host knows, whatever their trigger: HTTP ones are served, timer ones scheduled, the queue one fed
    /// by the in-process queue, Durable ones run by the in-memory engine.
    /// </summary>
    public static IReadOnlyList<FunctionDescriptor> Functions => FunctionCatalog.All;

    /// <summary>
    /// App Service Authentication is not here: a request without <c>X-MS-CLIENT-PRINCIPAL</c> gets the development principal
    /// (<c>DevHost:Principal:AccountId</c>, <c>UserId</c>, <c>Roles</c>; off with <c>DevHost:Principal:Enabled=false</c>).
    /// A request that carries the header keeps it, so a client can act as anyone.
    /// </summary>
    private static void UseDevelopmentPrincipal(this WebApplication app)
    {
        var section = app.Configuration.GetSection("DevHost:Principal");
        if (!section.GetValue("Enabled", true)) return;
        var roles = section.GetSection("Roles") switch
        {
            { Value: { } list } => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            var array when array.GetChildren().Any() => array.Get<string[]>() ?? [],
            _ => [ClientPrincipal.AccountAdminRole],
        };
        var header = ClientPrincipal.Encode(section["AccountId"] ?? "dev-account", section["UserId"] ?? "dev-admin", roles);
        app.Use((context, next) =>
        {
            if (!context.Request.Headers.ContainsKey(ClientPrincipal.Header)) context.Request.Headers[ClientPrincipal.Header] = header;
            return next(context);
        });
    }

    /// <summary>
    /// Every request runs within its budget, and its failures are answered as the function app answers them (see
    /// <see cref="RequestBudget"/>): a store outage or the budget running out is a 503 with <c>Retry-After</c>, anything
    /// else a generic 500 problem. The functions here bind the request's token, which the budget cancels.
    /// </summary>
    private static void UseRequestBudget(this WebApplication app)
    {
        var budget = app.Services.GetRequiredService<RequestBudget>();
        app.Use(async (context, next) =>
        {
            if (await budget.Run(context, () => next(context), answerWhenOverBudget: false) is not { } answer) return;
            if (context.Response.HasStarted)
            {
                // Half an answer cannot be taken back: cut the connection rather than end it as if it were whole.
                context.Abort();
                return;
            }

            context.Response.Clear();
            await answer.ExecuteAsync(context);
        });
    }

    /// <summary>
    /// The dev host's own <c>/admin/*</c> endpoints (the queue, the timers) act on the whole host, across accounts: only
    /// the development admin may use them, an admin (<c>AccountAdmin</c> or <c>SuperAdmin</c>) of the development
    /// principal's account (<c>DevHost:Principal:AccountId</c>), which a request without a principal header acts as.
    /// Anyone else is a 403; no valid principal, a 401.
    /// </summary>
    private static void UseDevelopmentAdminOnly(this WebApplication app)
    {
        var account = app.Configuration["DevHost:Principal:AccountId"] ?? "dev-account";
        var forbidden = new Problem(ProblemKind.Forbidden, "Only the development admin may use the dev host's admin endpoints.",
            $"Act as an admin of the account '{account}' (DevHost:Principal), for example by sending no principal header.");
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }

            var caller = context.Request.Caller();
            var refused = !caller.IsSuccess ? caller.Problem
                : caller.Value!.AccountId != account || !caller.Value.IsAdmin ? forbidden : null;
            if (refused is null) await next(context);
            else await HttpResults.Problem(refused).ExecuteAsync(context);
        });
    }

    /// <summary>
    /// <c>POST /admin/functions/{name}</c> runs a non-HTTP function now, as the Functions host's admin API does (202, runs in
    /// the background).
    /// </summary>
    private static void MapAdminTrigger(this WebApplication app)
    {
        app.MapPost("admin/functions/{name}", (string name, TimerFunctionScheduler scheduler, IHostApplicationLifetime lifetime) =>
        {
            var timer = scheduler.Timers.FirstOrDefault(t => string.Equals(t.Function.Name, name, StringComparison.OrdinalIgnoreCase));
            if (timer is null) return Results.NotFound();
            _ = Task.Run(() => scheduler.Tick(timer, isPastDue: false, lifetime.ApplicationStopping));
            return Results.Accepted();
        }).WithDisplayName("DevHost admin: run a function");
    }

    private static void LogStarted(WebApplication app, IReadOnlyList<FunctionDescriptor> functions, CosmosEmulator? emulator)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("InboxServerless.DevHost");
        var address = app.Addresses().FirstOrDefault()?.ToString().TrimEnd('/') ?? "(unknown)";
        if (emulator is not null)
            logger.LogInformation("Cosmos DB emulator (in-memory, lost when the dev host stops) at {Endpoint}", emulator.Endpoint);
        var queue = app.Services.GetRequiredService<InProcessInboundQueue>().Options;
        logger.LogInformation(
            "Durable orchestrations run on the in-memory Durable Task engine (lost when the dev host stops), and inbound events on " +
            "the in-process queue (at most {MaxDeliveryCount} deliveries, then dead-lettered; {Journal}).", queue.MaxDeliveryCount,
            queue.JournalPath is { Length: > 0 } journal ? $"kept across restarts in {journal}" : "lost when the dev host stops: set DevHost:Queue:JournalPath to keep them");
        logger.LogInformation("Dev host listening on {Address} (Ctrl+C stops it), serving {Count} functions:", address, functions.Count);
        foreach (var function in functions)
        {
            if (function.Trigger == TriggerKind.Http)
                logger.LogInformation("  {Function}: [{Methods}] {Address}/{Route}", function.Name,
                    function.Methods.Count == 0 ? "*" : string.Join(",", function.Methods), address, function.Route);
            else if (function.Trigger == TriggerKind.Timer)
                logger.LogInformation("  {Function}: timer '{Schedule}'", function.Name, function.Schedule);
            else if (function.Trigger == TriggerKind.Queue)
                logger.LogInformation("  {Function}: queue '{Queue}' (in process; POST {Address}/admin/events)", function.Name, function.QueueName, address);
            else if (function.Trigger is TriggerKind.Orchestration or TriggerKind.Activity)
                logger.LogInformation("  {Function}: {Kind} (in-memory Durable Task engine)", function.Name,
                    function.Trigger == TriggerKind.Orchestration ? "orchestration" : "activity");
            else
                logger.LogWarning("  {Function}: {Trigger} is not served by the dev host", function.Name, function.TriggerType);
        }
    }

    /// <summary>The emulator this host started, stopped with it (once, however often disposed).</summary>
    private sealed class EmulatorLease(CosmosEmulator emulator) : IAsyncDisposable
    {
        private int disposed;

        public CosmosEmulator Emulator => emulator;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref disposed, 1) == 0 ? emulator.DisposeAsync() : ValueTask.CompletedTask;
    }

    private sealed class AzuriteLease(AzuriteEmulator emulator) : IAsyncDisposable
    {
        private int disposed;

        public AzuriteEmulator Emulator => emulator;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref disposed, 1) == 0 ? emulator.DisposeAsync() : ValueTask.CompletedTask;
    }
}
