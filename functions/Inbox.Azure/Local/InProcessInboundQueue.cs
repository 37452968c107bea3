using System.Threading.Channels;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Local;

/// <summary>An event the processor gave up on: the last failure's message, how many deliveries it had, and when.</summary>
public sealed record DeadLetteredEvent(InboundEvent Event, string Reason, int DeliveryCount, DateTimeOffset DeadLetteredAt);

/// <summary>
/// The queue the dev host and the tests use where there is no Service Bus: in memory, with the semantics the code
/// relies on — duplicate detection by <see cref="InboundEvent.MessageId"/>, sessions by
/// <see cref="InboundEvent.SessionKey"/> (one event at a time, in enqueue order), redelivery up to
/// <see cref="InProcessQueueOptions.MaxDeliveryCount"/>, then a dead-letter store that can be replayed.
/// An <see cref="InProcessQueueProcessor"/> delivers the events. Nothing survives the process.
/// </summary>
public sealed class InProcessInboundQueue : IInboundQueue
{
    private readonly TimeProvider clock;
    private readonly Lock gate = new();

    // A session is in `sessions` exactly while its key is either waiting in `readySessions` or held by one processor
    // worker. That single token per session is what keeps a session to one event at a time, in order.
    private readonly Dictionary<string, Queue<Delivery>> sessions = [];
    private readonly Channel<string> readySessions = System.Threading.Channels.Channel.CreateUnbounded<string>();

    // Message ids accepted within the window, and the same in acceptance order so expired ones are forgotten cheaply.
    private readonly HashSet<string> recentMessageIds = [];
    private readonly Queue<(string MessageId, DateTimeOffset AcceptedAt)> recentInOrder = new();

    private readonly List<DeadLetteredEvent> deadLetters = [];

    // Events accepted and not yet handled or dead-lettered; `idle` completes whenever that drops to zero.
    private int unsettled;
    private TaskCompletionSource idle = CompletedIdle();

    public InProcessInboundQueue(TimeProvider clock, InProcessQueueOptions? options = null)
    {
        this.clock = clock;
        Options = options ?? new InProcessQueueOptions();
        Options.Validate();
    }

    public InProcessQueueOptions Options { get; }

    /// <summary>
    /// Fault injection, for tests only: when it returns true for a batch, <see cref="Enqueue"/> throws and accepts none
    /// of it, as a send to an unreachable Service Bus would — so a webhook's "answer 5xx, the sender retries" path can
    /// be exercised. Null (the default) never refuses.
    /// </summary>
    public Func<IReadOnlyList<InboundEvent>, bool>? RefuseSends { get; set; }

    /// <summary>Accepts the events in memory and returns; duplicates within the window are dropped silently, as Service Bus does.</summary>
    public Task Enqueue(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (RefuseSends?.Invoke(events) == true)
            throw new InvalidOperationException("The in-process queue refused the send (fault injection: RefuseSends).");

        lock (gate)
        {
            var now = clock.GetUtcNow();
            ForgetMessageIdsAcceptedBefore(now - Options.DuplicateDetectionWindow);
            foreach (var inboundEvent in events)
            {
                var messageId = inboundEvent.MessageId;
                if (!recentMessageIds.Add(messageId)) continue;
                recentInOrder.Enqueue((messageId, now));
                Accept(inboundEvent);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Completes once every accepted event has been handled or dead-lettered (at once if there are none). It waits for
    /// a processor to do the work: with none running it completes only when <paramref name="ct"/> cancels it.
    /// </summary>
    public Task WhenIdle(CancellationToken ct)
    {
        lock (gate) return idle.Task.WaitAsync(ct);
    }

    /// <summary>The dead-letter store, oldest first.</summary>
    public IReadOnlyList<DeadLetteredEvent> DeadLetters
    {
        get { lock (gate) return [.. deadLetters]; }
    }

    /// <summary>
    /// Takes the dead-lettered event with this message id out of the store and enqueues it again with a fresh delivery
    /// count, bypassing duplicate detection (it is a deliberate resend). False if there is none.
    /// </summary>
    public bool Replay(string messageId)
    {
        lock (gate)
        {
            var index = deadLetters.FindIndex(d => d.Event.MessageId == messageId);
            if (index < 0) return false;
            var deadLetter = deadLetters[index];
            deadLetters.RemoveAt(index);
            Accept(deadLetter.Event);
            return true;
        }
    }

    /// <summary>Replays every dead-lettered event, oldest first; returns how many.</summary>
    public int ReplayAll()
    {
        lock (gate)
        {
            var replayed = deadLetters.ToList();
            deadLetters.Clear();
            foreach (var deadLetter in replayed) Accept(deadLetter.Event);
            return replayed.Count;
        }
    }

    // What the processor uses: a session key to work on, its first event, and how that delivery ended.

    internal ChannelReader<string> ReadySessions => readySessions.Reader;

    internal TimeProvider Clock => clock;

    internal Delivery FirstOf(string session)
    {
        lock (gate) return sessions[session].Peek();
    }

    internal void Complete(string session)
    {
        lock (gate) Settle(session);
    }

    internal void DeadLetter(string session, string reason)
    {
        lock (gate)
        {
            var delivery = sessions[session].Peek();
            deadLetters.Add(new DeadLetteredEvent(delivery.Event, reason, delivery.DeliveryCount, clock.GetUtcNow()));
            Settle(session);
        }
    }

    /// <summary>Gives the session back untouched (the processor is stopping): its first event is delivered again later.</summary>
    internal void Abandon(string session) => readySessions.Writer.TryWrite(session);

    private void Accept(InboundEvent inboundEvent)
    {
        if (unsettled++ == 0) idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var session = inboundEvent.SessionKey;
        if (sessions.TryGetValue(session, out var waiting))
        {
            waiting.Enqueue(new Delivery(inboundEvent));
            return;
        }

        sessions[session] = new Queue<Delivery>([new Delivery(inboundEvent)]);
        readySessions.Writer.TryWrite(session);
    }

    private void Settle(string session)
    {
        var waiting = sessions[session];
        waiting.Dequeue();
        // Back of the line rather than straight on, so one busy conversation does not hold a worker for ever.
        if (waiting.Count == 0) sessions.Remove(session);
        else readySessions.Writer.TryWrite(session);

        if (--unsettled == 0) idle.TrySetResult();
    }

    private void ForgetMessageIdsAcceptedBefore(DateTimeOffset cutoff)
    {
        while (recentInOrder.TryPeek(out var accepted) && accepted.AcceptedAt <= cutoff)
        {
            recentInOrder.Dequeue();
            recentMessageIds.Remove(accepted.MessageId);
        }
    }

    private static TaskCompletionSource CompletedIdle()
    {
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        completed.SetResult();
        return completed;
    }

    /// <summary>One event on the queue. Only the worker holding its session touches <see cref="DeliveryCount"/>.</summary>
    internal sealed class Delivery(InboundEvent inboundEvent)
    {
        public InboundEvent Event { get; } = inboundEvent;
        public int DeliveryCount { get; set; }
    }
}
