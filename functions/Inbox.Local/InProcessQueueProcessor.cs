using InboxServerless.Core.Ports;

namespace InboxServerless.Local;

/// <summary>
/// Delivers an <see cref="InProcessInboundQueue"/>'s events to an <see cref="IInboundEventHandler"/>, as the Service Bus
/// trigger does with sessions on: up to <see cref="InProcessQueueOptions.MaxConcurrentSessions"/> sessions at once,
/// one event at a time within each; a handler that throws gets the event again after a backoff, up to
/// <see cref="InProcessQueueOptions.MaxDeliveryCount"/> deliveries, then it is dead-lettered with the last failure.
/// Either call <see cref="Run"/> (a hosted service's <c>ExecuteAsync</c>) or <see cref="StartAsync"/>/<see cref="StopAsync"/>.
/// Stopping does not drain: await <see cref="InProcessInboundQueue.WhenIdle"/> first for that.
/// </summary>
public sealed class InProcessQueueProcessor(InProcessInboundQueue queue, IInboundEventHandler handler) : IAsyncDisposable
{
    private CancellationTokenSource? stopping;
    private Task? running;

    /// <summary>Delivers until <paramref name="stoppingToken"/> is cancelled, then returns (without throwing).</summary>
    public Task Run(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, queue.Options.MaxConcurrentSessions).Select(_ => Task.Run(() => Work(stoppingToken))));

    public Task StartAsync(CancellationToken ct)
    {
        if (running is not null) throw new InvalidOperationException("The processor is already running.");
        stopping = new CancellationTokenSource();
        running = Run(stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Cancels the handlers in flight and waits for them; their events stay first in their sessions.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (running is null || stopping is null) return;
        await stopping.CancelAsync();
        await running.WaitAsync(ct);
        stopping.Dispose();
        (running, stopping) = (null, null);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    // One worker: takes a session, delivers its first event until it is handled or dead-lettered, gives the session back.
    private async Task Work(CancellationToken ct)
    {
        // Not ReadAllAsync: it keeps reading while cancelled, and a stopping worker would take back the session it
        // just abandoned for ever.
        var ready = queue.ReadySessions;
        try
        {
            while (await ready.WaitToReadAsync(ct))
                while (!ct.IsCancellationRequested && ready.TryRead(out var session))
                    await DeliverFirst(session, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverFirst(string session, CancellationToken ct)
    {
        var delivery = queue.FirstOf(session);
        while (true)
        {
            if (ct.IsCancellationRequested)
            {
                queue.Abandon(session);
                return;
            }

            if (delivery.Withdrawn)
            {
                queue.Drop(session);
                return;
            }

            // Counted before the handler runs, as Service Bus does: a delivery cut short by stopping still counts, and
            // so does one cut short by a killed process, as the count is journaled before the handler runs.
            await queue.Delivering(delivery).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await handler.Handle(delivery.Event, delivery.DeliveryCount, ct);
                queue.Complete(session);
                return;
            }
            catch (Exception failure) when (!ct.IsCancellationRequested)
            {
                if (delivery.DeliveryCount >= queue.Options.MaxDeliveryCount)
                {
                    queue.DeadLetter(session, failure.Message);
                    return;
                }
            }
            catch (Exception)
            {
                // Stopping: whatever the handler threw, it was told to stop.
                queue.Abandon(session);
                return;
            }

            var backoff = queue.Options.RedeliveryBackoff * delivery.DeliveryCount;
            if (backoff > TimeSpan.Zero)
                await Task.Delay(backoff, queue.Clock, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
