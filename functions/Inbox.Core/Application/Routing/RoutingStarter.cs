using InboxServerless.Core.Domain;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace InboxServerless.Core.Application.Routing;

/// <summary>
/// Starts the routing of a queued event and waits for it, so the queue message is completed only once the event is
/// routed (and a session's next event waits for it). The instance id is the event's own id: a redelivered event finds
/// its routing done, or still running, instead of starting another.
/// </summary>
public static class RoutingStarter
{
    public static async Task<RoutingResult> Route(DurableTaskClient client, InboundEvent inbound, CancellationToken ct)
    {
        var instanceId = inbound.MessageId;
        var existing = await client.GetInstanceAsync(instanceId, ct);
        if (existing is null || existing.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(RouteInboundEvent), inbound,
                new StartOrchestrationOptions(instanceId), ct);
        }

        var done = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, ct);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            // Throwing leaves the message on the queue: it is delivered again, and dead-lettered after too many tries.
            throw new InvalidOperationException(
                $"Routing {instanceId} ended {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage ?? "no details"}");
        }

        return done.ReadOutputAs<RoutingResult>()!;
    }
}
