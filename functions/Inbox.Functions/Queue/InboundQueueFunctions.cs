using InboxServerless.Azure.ServiceBus;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace InboxServerless.Functions.Queue;

/// <summary>The consumer of the inbound queue: one event at a time per session; throwing asks for a redelivery.</summary>
public sealed class InboundQueueFunctions(InboundMessageReader reader, InboundEventConsumer consumer, ServiceBusQueueOptions queue)
{
    /// <summary>The queue the trigger listens to: the deployment's (infra/servicebus.bicep) and the sender's default.</summary>
    public const string QueueName = ServiceBusQueueOptions.DefaultQueueName;

    /// <summary>Routes the event (or the messages a mailbox change names, or sends the reply it names) and completes the message only once it is routed (see <see cref="RoutingStarter"/>).</summary>
    [Function("ConsumeInboundEvent")]
    public async Task Consume(
        [ServiceBusTrigger(QueueName, Connection = "ServiceBus", IsSessionsEnabled = true)] string message,
        FunctionContext context,
        [DurableClient] DurableTaskClient durable,
        CancellationToken ct) =>
        await consumer.Consume(durable, await reader.Read(BinaryData.FromString(message), ApplicationProperties.Of(context), ct),
            new DeliveryAttempt(DeliveryCount.Of(context), queue.MaxDeliveryCount), ct);
}
