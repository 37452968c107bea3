using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using InboxServerless.Azure;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Local;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InboxServerless.DevHost.Functions;

/// <summary>
/// The Service Bus message an event becomes, built by the sender's own format (<see cref="InboundMessageFormat"/>): the
/// body, the application properties, the message id and the session are those Azure would carry. Nothing travels by
/// claim check in process (no size limit).
/// </summary>
public static class InboundServiceBusMessage
{
    public static ServiceBusMessage From(InboundEvent inboundEvent) =>
        InboundMessageFormat.Message(inboundEvent, InboundMessageFormat.Body(inboundEvent));

    /// <summary>
    /// The binding data the Functions host gives a Service Bus triggered function: <c>ApplicationProperties</c> as a JSON
    /// object (a string over gRPC, as <see cref="InboxServerless.Functions.Queue.ApplicationProperties"/> reads it),
    /// <c>MessageId</c>, <c>SessionId</c>, <c>ContentType</c> and <c>DeliveryCount</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> BindingData(ServiceBusMessage message, int deliveryCount = 1) => new Dictionary<string, object?>
    {
        ["DeliveryCount"] = deliveryCount,
        ["ApplicationProperties"] = JsonSerializer.Serialize(message.ApplicationProperties),
        ["MessageId"] = message.MessageId,
        ["SessionId"] = message.SessionId,
        ["ContentType"] = message.ContentType,
    };
}

/// <summary>
/// Binds and invokes the queue-triggered function the way the worker would for one Service Bus message: the trigger as
/// the body (<c>string</c>, <c>byte[]</c> or <c>BinaryData</c>), <see cref="FunctionContext"/> with the message's binding
/// data, <c>[DurableClient] DurableTaskClient</c> as the in-memory engine's client, and <see cref="CancellationToken"/>.
/// A parameter it cannot bind fails when the invoker is made, so at startup.
/// </summary>
public sealed class QueueFunctionInvoker
{
    private readonly Func<Invocation, object?>[] binders;

    public QueueFunctionInvoker(FunctionDescriptor function)
    {
        if (function.Trigger != TriggerKind.Queue) throw new ArgumentException($"'{function.Name}' is not a queue function.", nameof(function));
        Function = function;
        binders = [.. function.Method.GetParameters().Select(Binder)];
        if (FunctionInvocation.ResultType(function.Method) is { } resultType)
            throw new InvalidOperationException($"Queue function '{function.Name}' returns {resultType.FullName}; the dev host binds no output.");
    }

    public FunctionDescriptor Function { get; }

    /// <summary>Runs the function on <paramref name="message"/>; what it throws is thrown (the queue then redelivers).</summary>
    public async Task Invoke(IServiceProvider services, ServiceBusMessage message, int deliveryCount, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var invocation = new Invocation(message, deliveryCount, scope.ServiceProvider, ct);
        var arguments = binders.Select(b => b(invocation)).ToArray();
        await FunctionInvocation.Invoke(Function, scope.ServiceProvider, arguments);
    }

    private Func<Invocation, object?> Binder(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (FunctionCatalog.IsTrigger(parameter))
        {
            if (type == typeof(string)) return i => i.Message.Body.ToString();
            if (type == typeof(byte[])) return i => i.Message.Body.ToArray();
            if (type == typeof(BinaryData)) return i => i.Message.Body;
            throw FunctionInvocation.Unsupported(Function, parameter, "the trigger as string, byte[] or BinaryData (the message body)");
        }

        if (type == typeof(FunctionContext))
            return i => new BindingDataContext(Function.Name, InboundServiceBusMessage.BindingData(i.Message, i.DeliveryCount), i.Services);
        if (type == typeof(DurableTaskClient)) return i => i.Services.GetRequiredService<DurableTaskClient>();
        if (type == typeof(CancellationToken)) return i => i.Cancellation;
        throw FunctionInvocation.Unsupported(Function, parameter,
            "the trigger (string, byte[] or BinaryData), FunctionContext (binding data), [DurableClient] DurableTaskClient and CancellationToken");
    }

    private sealed record Invocation(ServiceBusMessage Message, int DeliveryCount, IServiceProvider Services, CancellationToken Cancellation);

    /// <summary>Just enough of a <see cref="FunctionContext"/> for a function that reads its binding data.</summary>
    private sealed class BindingDataContext(string functionName, IReadOnlyDictionary<string, object?> bindingData, IServiceProvider services)
        : FunctionContext
    {
        public override string InvocationId { get; } = Guid.NewGuid().ToString();
        public override string FunctionId => functionName;
        public override TraceContext TraceContext => throw new NotSupportedException("The dev host has no trace context.");
        public override BindingContext BindingContext { get; } = new Bindings(bindingData);
        public override RetryContext RetryContext => throw new NotSupportedException("The dev host has no retry context.");
        public override IServiceProvider InstanceServices { get; set; } = services;
        public override FunctionDefinition FunctionDefinition => throw new NotSupportedException("The dev host has no function definition.");
        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
        public override IInvocationFeatures Features => throw new NotSupportedException("The dev host has no invocation features.");

        private sealed class Bindings(IReadOnlyDictionary<string, object?> data) : BindingContext
        {
            public override IReadOnlyDictionary<string, object?> BindingData { get; } = data.ToImmutableDictionary();
        }
    }
}

/// <summary>
/// What the in-process queue delivers to: the event as the Service Bus message Azure would carry, handed to the queue
/// function. A failure is logged and thrown, so the queue redelivers it and, after its last try, dead-letters it.
/// </summary>
public sealed class QueueFunctionHandler(QueueFunctionInvoker invoker, IServiceProvider services, ILogger<QueueFunctionHandler> logger)
    : IInboundEventHandler
{
    /// <summary>The function the queue's events go to.</summary>
    public FunctionDescriptor Function => invoker.Function;

    public Task Handle(InboundEvent inboundEvent, CancellationToken ct) => Handle(inboundEvent, 1, ct);

    public async Task Handle(InboundEvent inboundEvent, int deliveryCount, CancellationToken ct)
    {
        var message = InboundServiceBusMessage.From(inboundEvent);
        try
        {
            await invoker.Invoke(services, message, deliveryCount, ct);
        }
        catch (Exception failure) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("{Function} failed on message {MessageId} (session {SessionId}); it is delivered again until its last try: {Error}",
                invoker.Function.Name, message.MessageId, message.SessionId, failure.Message);
            logger.LogDebug(failure, "{Function} failed on message {MessageId}", invoker.Function.Name, message.MessageId);
            throw;
        }
    }
}

/// <summary>
/// Runs the in-process queue's processor while the dev host runs, and says so when an event is dead-lettered. Stopping
/// waits a little (<c>DevHost:Queue:DrainTimeout</c>, 5 s by default) for the events in hand; what is still queued then
/// is lost with the process, unless the queue is journaled (<c>DevHost:Queue:JournalPath</c>): then the next start
/// delivers it.
/// </summary>
public sealed class InProcessQueueHost(
    InProcessInboundQueue queue,
    IServiceProvider services,
    IConfiguration configuration,
    ILogger<InProcessQueueHost> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan DeadLetterPolling = TimeSpan.FromMilliseconds(250);

    private InProcessQueueProcessor? processor;
    private CancellationTokenSource? stopping;
    private Task? watching;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        stopping = new CancellationTokenSource();
        watching = WatchDeadLetters(stopping.Token);
        if (services.GetService<IInboundEventHandler>() is not { } handler)
        {
            logger.LogWarning("The function app has no queue function: inbound events are queued in process but nothing consumes them.");
            return Task.CompletedTask;
        }

        processor = new InProcessQueueProcessor(queue, handler);
        return processor.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var drain = configuration.GetValue("DevHost:Queue:DrainTimeout", TimeSpan.FromSeconds(5));
        try
        {
            if (processor is not null) await queue.WhenIdle(cancellationToken).WaitAsync(drain, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            if (queue.Options.JournalPath is { Length: > 0 } journal)
                logger.LogInformation(
                    "Stopping with inbound events still queued; they are kept in the journal {Journal} and delivered on the next start.", journal);
            else
                logger.LogWarning(
                    "Stopping with inbound events still queued; the in-process queue is in memory only (no DevHost:Queue:JournalPath), so they are lost.");
        }

        if (processor is not null) await processor.StopAsync(cancellationToken);
        if (stopping is not null) await stopping.CancelAsync();
        if (watching is not null) await watching;
    }

    public async ValueTask DisposeAsync()
    {
        if (processor is not null) await processor.DisposeAsync();
        stopping?.Dispose();
    }

    private async Task WatchDeadLetters(CancellationToken ct)
    {
        var seen = new HashSet<DeadLetteredEvent>(ReferenceEqualityComparer.Instance);
        using var timer = new PeriodicTimer(DeadLetterPolling);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var current = queue.DeadLetters;
                seen.IntersectWith(current);
                foreach (var deadLetter in current.Where(seen.Add))
                {
                    logger.LogWarning(
                        "Inbound event {MessageId} was dead-lettered after {DeliveryCount} deliveries: {Reason} " +
                        "List them with GET /admin/dead-letters; replay with POST /admin/dead-letters/{MessageId}/replay.",
                        deadLetter.Event.MessageId, deadLetter.DeliveryCount, deadLetter.Reason, deadLetter.Event.MessageId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>The in-process queue, the queue function it feeds, and the reader that function uses.</summary>
public static class InProcessQueueServices
{
    /// <summary>
    /// Registers <see cref="InProcessInboundQueue"/> as the <see cref="IInboundQueue"/> (options from <c>DevHost:Queue</c>:
    /// <c>MaxDeliveryCount</c>, <c>RedeliveryBackoff</c>, <c>MaxConcurrentSessions</c>, <c>DuplicateDetectionWindow</c>, and
    /// <c>JournalPath</c>, a file that keeps the queue across restarts; the container closes it on dispose), the
    /// handler that runs the function app's queue function on it, and the hosted service that runs the processor. The
    /// function must listen to the inbound queue (<c>ServiceBus:QueueName</c>, by default
    /// <see cref="ServiceBusQueueOptions.DefaultQueueName"/>): the dev host has that one queue.
    /// </summary>
    public static IServiceCollection AddInProcessQueue(this IServiceCollection services, IConfiguration configuration,
        IReadOnlyList<FunctionDescriptor> functions)
    {
        services.AddSettings<InProcessQueueOptions>(configuration.GetSection("DevHost:Queue"));
        services.AddSingleton(sp => new InProcessInboundQueue(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<InProcessQueueOptions>()));
        services.AddSingleton<IInboundQueue>(sp => sp.GetRequiredService<InProcessInboundQueue>());
        // The queue function records a final failure on the queue's last delivery: this queue's, not Service Bus's.
        services.AddSingleton(sp => new ServiceBusQueueOptions { MaxDeliveryCount = sp.GetRequiredService<InProcessQueueOptions>().MaxDeliveryCount });

        // The consumer reads events with the Service Bus adapter's reader; in process nothing is claim-checked.
        services.TryAddSingleton(_ => new ClaimCheckStore(new BlobContainerClient(
            new Uri("http://127.0.0.1:9/devstoreaccount1/" + ClaimCheckOptions.DefaultContainerName))));
        services.TryAddSingleton<InboundMessageReader>();

        var queueName = configuration[$"{ServiceBusQueueOptions.Section}:QueueName"] is { Length: > 0 } configured
            ? configured
            : ServiceBusQueueOptions.DefaultQueueName;
        var consumers = functions.Where(f => f.Trigger == TriggerKind.Queue).ToList();
        foreach (var function in consumers)
        {
            var listensTo = ResolveSetting(function.QueueName!, configuration);
            if (listensTo != queueName)
                throw new InvalidOperationException(
                    $"Queue function '{function.Name}' listens to '{listensTo}'; the dev host has one in-process queue, the inbound queue " +
                    $"'{queueName}'. Teach it another in functions/Inbox.DevHost/Functions.");
        }

        if (consumers.Count > 1)
            throw new InvalidOperationException($"More than one function consumes '{queueName}': {string.Join(", ", consumers.Select(f => f.Name))}.");
        if (consumers.Count == 1)
        {
            var invoker = new QueueFunctionInvoker(consumers[0]);
            services.AddSingleton(sp => new QueueFunctionHandler(invoker, sp, sp.GetRequiredService<ILogger<QueueFunctionHandler>>()));
            services.AddSingleton<IInboundEventHandler>(sp => sp.GetRequiredService<QueueFunctionHandler>());
        }

        services.AddSingleton<InProcessQueueHost>();
        services.AddHostedService(sp => sp.GetRequiredService<InProcessQueueHost>());
        return services;
    }

    /// <summary><c>%setting%</c> is the value of that setting, as the Functions host resolves binding expressions.</summary>
    private static string ResolveSetting(string expression, IConfiguration configuration)
    {
        if (expression.Length <= 2 || expression[0] != '%' || expression[^1] != '%') return expression;
        var setting = expression[1..^1];
        return configuration[setting] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The queue name names the setting '{setting}', which is not configured.");
    }
}
