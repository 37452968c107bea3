using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

// Functions written the way the function app writes them, to test what the dev host binds and how it answers, without the
// app's own functions and stores. Discovered from this assembly by the same catalogue.
namespace InboxServerless.EndToEnd.Tests.Samples;

public sealed class Greeter
{
    public string Greet(string name) => $"Hello, {name}";
}

public sealed class SampleFunctions(Greeter greeter)
{
    [Function("SampleGreet")]
    public IResult Greet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "greet/{name}")] HttpRequest request, string name, string? punctuation) =>
        Results.Text(greeter.Greet(name) + (punctuation ?? "."));

    [Function("SampleEcho")]
    public async Task<IResult> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "put", Route = "echo")] HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return Results.Text($"{request.Method} {await reader.ReadToEndAsync(ct)}", statusCode: StatusCodes.Status201Created);
    }

    [Function("SampleValueTask")]
    public ValueTask<IResult> FromValueTask(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "value-task/{a}/{b}")] HttpRequest request, string a, string b) =>
        ValueTask.FromResult(Results.Text(a + b));

    [Function("SampleAction")]
    public IActionResult Action([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "action")] HttpRequest request) =>
        new OkObjectResult(new { ok = true });

    [Function("SampleStatic")]
    public static Task<IResult> Static([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "static")] HttpRequest request) =>
        Task.FromResult(Results.Text("static"));

    [Function("SampleWrites")]
    public async Task Writes([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "writes")] HttpRequest request)
    {
        request.HttpContext.Response.StatusCode = StatusCodes.Status202Accepted;
        await request.HttpContext.Response.WriteAsync("written");
    }

    [Function("SampleThrows")]
    public IResult Throws([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "throws")] HttpRequest request) =>
        throw new InvalidOperationException("boom");

    /// <summary>No methods and no route: every method, at the function's name, as the Functions host does.</summary>
    [Function("SampleAnyMethod")]
    public IResult AnyMethod([HttpTrigger(AuthorizationLevel.Anonymous)] HttpRequest request, CancellationToken ct) =>
        Results.Text($"{request.Method} {ct.CanBeCanceled}");
}

public sealed class DisposableFunctions : IDisposable
{
    public static int Disposed;

    [Function("SampleDisposable")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "disposable")] HttpRequest request) => Results.Ok();

    public void Dispose() => Interlocked.Increment(ref Disposed);
}

// ---- Signatures the dev host refuses at startup ----

public sealed class UnsupportedParameterFunctions
{
    [Function("BrokenIntParameter")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "broken/{id}")] HttpRequest request, int id) => Results.Ok();
}

public sealed class UnsupportedReturnFunctions
{
    [Function("BrokenReturn")]
    public string Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "broken-return")] HttpRequest request) => "text";
}

public sealed class UnregisteredServiceFunctions(UnregisteredServiceFunctions.Missing missing)
{
    public sealed class Missing;

    [Function("BrokenService")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "broken-service")] HttpRequest request) =>
        Results.Text(missing.ToString()!);
}

// ---- Timers: the attribute is found by its name, so the dev host needs no Timer extension package ----

/// <summary>Stands in for <c>Microsoft.Azure.Functions.Worker.TimerTriggerAttribute</c> (same name and properties).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class TimerTriggerAttribute(string schedule) : TriggerBindingAttribute
{
    public string Schedule { get; } = schedule;
    public bool RunOnStartup { get; set; }
}

/// <summary>Stands in for <c>Microsoft.Azure.Functions.Worker.TimerInfo</c>.</summary>
public sealed class TimerInfo
{
    public bool IsPastDue { get; set; }
}

public sealed class SampleTimers(Greeter greeter)
{
    public static int EverySecond;
    public static int OnStartup;
    public static bool? LastPastDue;

    [Function("SampleEverySecond")]
    public void Tick([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken ct)
    {
        _ = greeter.Greet("timer");
        LastPastDue = timer.IsPastDue;
        Interlocked.Increment(ref EverySecond);
    }

    [Function("SampleOnStartup")]
    public Task Yearly([TimerTrigger("0 0 0 1 1 *", RunOnStartup = true)] TimerInfo timer)
    {
        Interlocked.Increment(ref OnStartup);
        return Task.CompletedTask;
    }

    [Function("SampleFromSetting")]
    public void FromSetting([TimerTrigger("%SampleSchedule%")] TimerInfo timer)
    {
    }
}

public sealed class UnsupportedTimerFunctions
{
    [Function("BrokenTimerParameter")]
    public void Run([TimerTrigger("0 0 * * * *")] TimerInfo timer, int retries)
    {
    }
}

// ---- The queue consumer, orchestrations and activities ----

public sealed class SampleQueueFunctions(Greeter greeter)
{
    public static readonly System.Collections.Concurrent.ConcurrentQueue<(string Body, IReadOnlyDictionary<string, object?> BindingData)> Received = new();

    [Function("SampleQueue")]
    public Task Consume(
        [ServiceBusTrigger("inbound-events", Connection = "ServiceBus", IsSessionsEnabled = true)] string message,
        FunctionContext context,
        CancellationToken ct)
    {
        _ = greeter.Greet("queue");
        Received.Enqueue((message, context.BindingContext.BindingData));
        return Task.CompletedTask;
    }

    [Function("SampleOtherQueue")]
    public void Other([ServiceBusTrigger("%OtherQueue%")] BinaryData message)
    {
    }
}

public sealed class UnsupportedQueueFunctions
{
    [Function("BrokenQueueParameter")]
    public void Run([ServiceBusTrigger("inbound-events")] string message, int retries)
    {
    }
}

public static class SampleDurableFunctions
{
    [Function("SampleOrchestration")]
    public static Task<string> Orchestrate([OrchestrationTrigger] Microsoft.DurableTask.TaskOrchestrationContext context) =>
        context.CallActivityAsync<string>("SampleActivity", "hello");

    [Function("SampleActivity")]
    public static string Act([ActivityTrigger] string input) => input;
}
