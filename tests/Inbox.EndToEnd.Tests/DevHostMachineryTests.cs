using System.Net;
using System.Text.Json;
using Azure.Storage.Blobs;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Core.Ports;
using InboxServerless.DevHost;
using InboxServerless.DevHost.Functions;
using InboxServerless.EndToEnd.Tests.Samples;
using InboxServerless.Functions.Queue;
using InboxServerless.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// How the dev host finds, binds and answers functions, on sample functions of this assembly (no Cosmos DB): what the
/// function app's next function will rely on.
/// </summary>
public sealed class DevHostMachineryTests : IAsyncLifetime
{
    private static readonly IReadOnlyList<FunctionDescriptor> Samples = FunctionCatalog.Discover(typeof(SampleFunctions).Assembly, "api");

    private static FunctionDescriptor Sample(string name) => Samples.Single(f => f.Name == name);

    private WebApplication app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Greeter>();
        builder.Services.AddMvcCore();
        app = builder.Build();
        app.MapFunctions(Samples.Where(f => f.Method.DeclaringType == typeof(SampleFunctions) || f.Method.DeclaringType == typeof(DisposableFunctions)));
        await app.StartAsync();
        client = new HttpClient { BaseAddress = app.Addresses().Single() };
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public void Http_functions_are_described_by_their_attributes()
    {
        var echo = Sample("SampleEcho");
        Assert.Equal(TriggerKind.Http, echo.Trigger);
        Assert.Equal("httpTrigger", echo.TriggerType);
        Assert.Equal("api/echo", echo.Route);
        Assert.Equal(["POST", "PUT"], echo.Methods);
        Assert.Equal($"{typeof(SampleFunctions).FullName}.Echo", echo.EntryPoint);

        var any = Sample("SampleAnyMethod");
        Assert.Equal("api/SampleAnyMethod", any.Route);
        Assert.Empty(any.Methods);
    }

    [Fact]
    public void The_route_prefix_comes_from_host_json()
    {
        Assert.Equal("api", FunctionCatalog.RoutePrefix);
        Assert.Equal("greet/{name}", FunctionCatalog.Discover(typeof(SampleFunctions).Assembly, "").Single(f => f.Name == "SampleGreet").Route);
    }

    [Fact]
    public async Task String_parameters_bind_route_values_then_the_query_string()
    {
        Assert.Equal("Hello, Ada.", await client.GetStringAsync("api/greet/Ada"));
        Assert.Equal("Hello, Ada!", await client.GetStringAsync("api/greet/Ada?punctuation=!"));
        Assert.Equal("xy", await client.GetStringAsync("api/value-task/x/y"));
    }

    [Fact]
    public async Task The_request_body_and_methods_reach_the_function()
    {
        var posted = await client.PostAsync("api/echo", new StringContent("hi"));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.Equal("POST hi", await posted.Content.ReadAsStringAsync());
        Assert.Equal("PUT there", await (await client.PutAsync("api/echo", new StringContent("there"))).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.GetAsync("api/echo")).StatusCode);
    }

    [Fact]
    public async Task A_function_without_methods_answers_every_method()
    {
        Assert.Equal("GET True", await client.GetStringAsync("api/SampleAnyMethod"));
        Assert.Equal("DELETE True", await (await client.DeleteAsync("api/SampleAnyMethod")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Results_of_every_shape_are_written()
    {
        var action = await client.GetAsync("api/action");
        Assert.Equal(HttpStatusCode.OK, action.StatusCode);
        Assert.Equal("application/json", action.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"ok":true}""", await action.Content.ReadAsStringAsync());

        Assert.Equal("static", await client.GetStringAsync("api/static"));

        var written = await client.GetAsync("api/writes");
        Assert.Equal(HttpStatusCode.Accepted, written.StatusCode);
        Assert.Equal("written", await written.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_function_that_throws_is_a_500()
    {
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("api/throws")).StatusCode);
        Assert.Equal("static", await client.GetStringAsync("api/static"));
    }

    [Fact]
    public async Task The_function_class_is_created_per_call_and_disposed()
    {
        var before = DisposableFunctions.Disposed;
        await client.GetAsync("api/disposable");
        await client.GetAsync("api/disposable");
        Assert.Equal(before + 2, DisposableFunctions.Disposed);
    }

    [Fact]
    public void Functions_are_named_endpoints()
    {
        var names = ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints)
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName).ToHashSet();
        Assert.Contains("SampleGreet", names);
        Assert.Contains("SampleAction", names);
    }

    [Fact]
    public void A_parameter_the_dev_host_cannot_bind_fails_at_startup_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionEndpoints.CreateRequestDelegate(Sample("BrokenIntParameter")));
        Assert.Contains("BrokenIntParameter", error.Message);
        Assert.Contains("'id'", error.Message);
        Assert.Contains("System.Int32", error.Message);
    }

    [Fact]
    public void A_result_the_dev_host_cannot_write_fails_at_startup()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionEndpoints.CreateRequestDelegate(Sample("BrokenReturn")));
        Assert.Contains("BrokenReturn", error.Message);
        Assert.Contains("System.String", error.Message);
    }

    [Fact]
    public void A_function_whose_class_needs_an_unregistered_service_fails_at_startup()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionInvocation.CheckConstructible(Sample("BrokenService"), app.Services));
        Assert.Contains("BrokenService", error.Message);
        Assert.Contains(nameof(UnregisteredServiceFunctions.Missing), error.Message);
        FunctionInvocation.CheckConstructible(Sample("SampleGreet"), app.Services);
    }

    [Fact]
    public void The_function_apps_own_functions_all_bind()
    {
        Assert.NotEmpty(DevHostApp.Functions);
        Assert.All(DevHostApp.Functions.Where(f => f.Trigger == TriggerKind.Http), f => FunctionEndpoints.CreateRequestDelegate(f));
        Assert.All(DevHostApp.Functions.Where(f => f.Trigger == TriggerKind.Queue), f => new QueueFunctionInvoker(f));
        Assert.Single(DevHostApp.Functions, f => f.Trigger == TriggerKind.Queue);
        Assert.Contains(DevHostApp.Functions, f => f.Trigger == TriggerKind.Orchestration);
        Assert.Contains(DevHostApp.Functions, f => f.Trigger == TriggerKind.Activity);
        Assert.DoesNotContain(DevHostApp.Functions, f => f.Trigger == TriggerKind.Unsupported);
    }

    // ---- Timers ----

    [Fact]
    public void Timer_functions_are_found_by_their_attribute()
    {
        var tick = Sample("SampleEverySecond");
        Assert.Equal(TriggerKind.Timer, tick.Trigger);
        Assert.Equal("timerTrigger", tick.TriggerType);
        Assert.Equal("*/1 * * * * *", tick.Schedule);
        Assert.False(tick.RunOnStartup);
        Assert.True(Sample("SampleOnStartup").RunOnStartup);
    }

    [Theory]
    [InlineData("0 */5 * * * *", "2026-03-29T00:58:10Z", "2026-03-29T01:00:00Z")]
    [InlineData("30 15 9 * * 1-5", "2026-11-27T10:00:00Z", "2026-11-30T09:15:30Z")] // Friday → Monday
    [InlineData("*/15 * * * *", "2026-01-01T00:07:00Z", "2026-01-01T00:15:00Z")]     // five fields: minutes
    [InlineData("00:10:00", "2026-01-01T00:07:00Z", "2026-01-01T00:17:00Z")]         // an interval
    public void Schedules_follow_ncrontab(string schedule, string after, string next)
    {
        var parsed = TimerSchedule.Parse(schedule, new ConfigurationBuilder().Build());
        Assert.Equal(DateTimeOffset.Parse(next), parsed.Next(DateTimeOffset.Parse(after)));
    }

    [Fact]
    public void A_schedule_may_name_a_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SampleSchedule"] = "0 0 * * * *" }).Build();
        Assert.Equal("0 0 * * * *", TimerSchedule.Parse(Sample("SampleFromSetting").Schedule!, configuration).Expression);
        Assert.Throws<InvalidOperationException>(() => TimerSchedule.Parse("%Unset%", configuration));
        Assert.Throws<InvalidOperationException>(() => TimerSchedule.Parse("every tuesday", configuration));
    }

    [Fact]
    public async Task Timers_run_on_their_schedule_and_on_startup()
    {
        var services = new ServiceCollection().AddSingleton<Greeter>().BuildServiceProvider();
        var configuration = new ConfigurationBuilder().Build();
        var invokers = new[] { Sample("SampleEverySecond"), Sample("SampleOnStartup") }.Select(f => new TimerFunctionInvoker(f)).ToList();
        using var scheduler = new TimerFunctionScheduler(invokers, configuration, services, TimeProvider.System,
            NullLogger<TimerFunctionScheduler>.Instance);
        var (ticks, startups) = (SampleTimers.EverySecond, SampleTimers.OnStartup);

        await scheduler.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (SampleTimers.EverySecond < ticks + 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        await scheduler.StopAsync(CancellationToken.None);

        Assert.True(SampleTimers.EverySecond >= ticks + 2, "The every-second timer did not run twice in 10 s.");
        Assert.Equal(startups + 1, SampleTimers.OnStartup);
        Assert.False(SampleTimers.LastPastDue);
    }

    [Fact]
    public void A_timer_invoker_refuses_a_function_that_is_not_a_timer() =>
        Assert.Throws<ArgumentException>(() => new TimerFunctionInvoker(Sample("SampleGreet")));

    [Fact]
    public void A_timer_parameter_the_dev_host_cannot_bind_fails_at_startup_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new TimerFunctionInvoker(Sample("BrokenTimerParameter")));
        Assert.Contains("BrokenTimerParameter", error.Message);
        Assert.Contains("'retries'", error.Message);
    }

    // ---- The queue consumer, orchestrations and activities ----

    private static readonly InboundEvent Sample_event = new()
    {
        Channel = ChannelKind.Messenger,
        Type = InboundEventType.Message,
        BindingKey = "messenger:1234567890",
        ExternalId = "m_sample",
        Sender = new InboundSender("psid-1"),
        Content = new InboundContent { Text = "hi" },
        SentAt = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero),
        ReceivedAt = new DateTimeOffset(2026, 11, 25, 9, 0, 1, TimeSpan.Zero),
    };

    [Fact]
    public void Queue_and_durable_functions_are_described_by_their_attributes()
    {
        var queue = Sample("SampleQueue");
        Assert.Equal(TriggerKind.Queue, queue.Trigger);
        Assert.Equal("serviceBusTrigger", queue.TriggerType);
        Assert.Equal("inbound-events", queue.QueueName);
        Assert.Equal("%OtherQueue%", Sample("SampleOtherQueue").QueueName);

        Assert.Equal(TriggerKind.Orchestration, Sample("SampleOrchestration").Trigger);
        Assert.Equal("orchestrationTrigger", Sample("SampleOrchestration").TriggerType);
        Assert.Equal(TriggerKind.Activity, Sample("SampleActivity").Trigger);
        Assert.Equal("activityTrigger", Sample("SampleActivity").TriggerType);
    }

    [Fact]
    public async Task The_queue_function_gets_the_message_the_service_bus_sender_writes()
    {
        var message = InboundServiceBusMessage.From(Sample_event);
        Assert.Equal(Sample_event.MessageId, message.MessageId);
        Assert.Equal(InboundMessageFormat.SessionId(Sample_event), message.SessionId);
        Assert.Equal(InboundMessageFormat.ContentType, message.ContentType);

        var services = new ServiceCollection().AddSingleton<Greeter>().BuildServiceProvider();
        await new QueueFunctionInvoker(Sample("SampleQueue")).Invoke(services, message, 1, CancellationToken.None);

        var (body, data) = SampleQueueFunctions.Received.Last(r => (string?)r.BindingData["MessageId"] == Sample_event.MessageId);
        Assert.Equal(JsonSerializer.Serialize(Sample_event, InboxJson.Storage), body);
        Assert.Equal(InboundMessageFormat.SessionId(Sample_event), data["SessionId"]);
        Assert.Equal($$"""{"{{InboundMessageFormat.VersionProperty}}":{{InboundEvent.CurrentVersion}}}""", data["ApplicationProperties"]);

        // What the function app's consumer does with it: the reader gives back the event that was sent.
        var reader = new InboundMessageReader(new ClaimCheckStore(new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/claim-checks"))));
        var read = await reader.Read(BinaryData.FromString(body), ApplicationProperties.From(data["ApplicationProperties"]), CancellationToken.None);
        Assert.Equal(JsonSerializer.Serialize(Sample_event, InboxJson.Storage), JsonSerializer.Serialize(read, InboxJson.Storage));
    }

    [Fact]
    public void A_queue_parameter_the_dev_host_cannot_bind_fails_at_startup_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new QueueFunctionInvoker(Sample("BrokenQueueParameter")));
        Assert.Contains("BrokenQueueParameter", error.Message);
        Assert.Contains("'retries'", error.Message);
        Assert.Throws<ArgumentException>(() => new QueueFunctionInvoker(Sample("SampleGreet")));
    }

    [Fact]
    public void The_in_process_queue_feeds_the_consumer_of_the_inbound_queue_only()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OtherQueue"] = "elsewhere" }).Build();
        new ServiceCollection().AddInProcessQueue(configuration, [Sample("SampleQueue")]);

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddInProcessQueue(configuration, [Sample("SampleOtherQueue")]));
        Assert.Contains("SampleOtherQueue", error.Message);
        Assert.Contains("'elsewhere'", error.Message);
    }

    [Fact]
    public async Task Events_on_the_in_process_queue_reach_the_queue_function()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<Greeter>()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddInProcessQueue(new ConfigurationBuilder().Build(), [Sample("SampleQueue")])
            .BuildServiceProvider();
        var queueHost = services.GetRequiredService<InProcessQueueHost>();
        await queueHost.StartAsync(CancellationToken.None);
        try
        {
            var inboundEvent = Sample_event with { ExternalId = "m_" + Guid.NewGuid().ToString("N") };
            await services.GetRequiredService<IInboundQueue>().Enqueue([inboundEvent], CancellationToken.None);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await services.GetRequiredService<InProcessInboundQueue>().WhenIdle(cts.Token);
            Assert.Contains(SampleQueueFunctions.Received, r => (string?)r.BindingData["MessageId"] == inboundEvent.MessageId);
        }
        finally
        {
            await queueHost.StopAsync(CancellationToken.None);
        }
    }
}
