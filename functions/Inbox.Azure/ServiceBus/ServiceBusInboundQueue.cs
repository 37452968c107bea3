using Azure.Messaging.ServiceBus;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.ServiceBus;

/// <summary>
/// The inbound queue on Service Bus. Events go in as few batches as fit, in their order (one session's events stay in
/// order); an event too large for a message is written to a claim-check blob first. Any failure throws, so the webhook
/// answers 5xx and its sender retries; what was already sent is dropped by duplicate detection on the retry.
/// </summary>
public sealed class ServiceBusInboundQueue(ServiceBusSender sender, ClaimCheckStore claimChecks, ServiceBusQueueOptions options) : IInboundQueue
{
    public async Task Enqueue(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;

        var pending = new List<Pending>(events.Count);
        foreach (var inboundEvent in events)
        {
            var json = InboundMessageFormat.Body(inboundEvent);
            pending.Add(json.ToMemory().Length > options.MaxBodyBytes
                ? await ClaimCheck(inboundEvent, json, ct)
                : new Pending(inboundEvent, json, InboundMessageFormat.Message(inboundEvent, json), ClaimChecked: false));
        }

        var batch = await sender.CreateMessageBatchAsync(ct);
        try
        {
            for (var i = 0; i < pending.Count; i++)
            {
                if (batch.TryAddMessage(pending[i].Message)) continue;

                if (batch.Count > 0)
                {
                    // Full: send what it holds, and try this event again in a fresh batch.
                    await sender.SendMessagesAsync(batch, ct);
                    batch.Dispose();
                    batch = await sender.CreateMessageBatchAsync(ct);
                    i--;
                }
                else if (!pending[i].ClaimChecked)
                {
                    // Under the body limit yet too large for an empty batch (large headers): by claim check after all.
                    pending[i] = await ClaimCheck(pending[i].Event, pending[i].Json, ct);
                    i--;
                }
                else
                {
                    throw new InvalidOperationException(
                        $"Inbound event {pending[i].Event.MessageId} does not fit a Service Bus message even as a claim check (batch limit {batch.MaxSizeInBytes} bytes).");
                }
            }

            if (batch.Count > 0) await sender.SendMessagesAsync(batch, ct);
        }
        finally
        {
            batch.Dispose();
        }
    }

    private async Task<Pending> ClaimCheck(InboundEvent inboundEvent, BinaryData json, CancellationToken ct)
    {
        var blobName = inboundEvent.MessageId;
        await claimChecks.Put(blobName, json, ct);
        var note = BinaryData.FromObjectAsJson(new Dictionary<string, string> { [InboundMessageFormat.ClaimCheckProperty] = blobName });
        var message = InboundMessageFormat.Message(inboundEvent, note);
        message.ApplicationProperties[InboundMessageFormat.ClaimCheckProperty] = blobName;
        return new Pending(inboundEvent, json, message, ClaimChecked: true);
    }

    private sealed record Pending(InboundEvent Event, BinaryData Json, ServiceBusMessage Message, bool ClaimChecked);
}
