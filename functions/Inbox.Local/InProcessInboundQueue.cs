using System.Threading.Channels;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Local;

/// <summary>An event the processor gave up on: the last failure's message, how many deliveries it had, and when.</summary>
public sealed record DeadLetteredEvent(InboundEvent Event, string Reason, int DeliveryCount, DateTimeOffset DeadLetteredAt);

/// <summary>
/// The queue the dev host and the tests use where there is no Service Bus: in memory, with the semantics the code
/// relies on — duplicate detection by <see cref="InboundEvent.MessageId"/>, sessions by
/// <see cref="InboundEvent.SessionKey"/> (one event at a time, in enqueue order), redelivery up to
/// <see cref="InProcessQueueOptions.MaxDeliveryCount"/>, then a dead-letter store that can be replayed.
/// An <see cref="InProcessQueueProcessor"/> delivers the events. With <see cref="InProcessQueueOptions.JournalPath"/> set,
/// every change is recorded in an <see cref="InboundQueueJournal"/> and an enqueue returns only once its events are on
/// disk, so what was acknowledged (held and dead-lettered events, and the ids duplicate detection remembers) survives
/// a killed process and is delivered again by the next queue over the same file; without it nothing survives.
/// </summary>
public sealed class InProcessInboundQueue : IInboundQueue, IAsyncDisposable
{
    private readonly TimeProvider clock;
    private readonly Lock gate = new();

    // A session is in `sessions` exactly while its key is either waiting in `readySessions` or held by one processor
    // worker. That single token per session is what keeps a session to one event at a time, in order.
    private readonly Dictionary<string, Queue<Delivery>> sessions = [];
    private readonly Channel<string> readySessions = System.Threading.Channels.Channel.CreateUnbounded<string>();

    // Message ids accepted within the window, with when and the write of their acceptance (a duplicate is acknowledged
    // only as that write is), and the same in acceptance order so expired ones are forgotten cheaply.
    private readonly Dictionary<string, (DateTimeOffset AcceptedAt, Task Written)> recentMessageIds = [];
    private readonly Queue<(string MessageId, DateTimeOffset AcceptedAt)> recentInOrder = new();

    private readonly List<(DeadLetteredEvent Letter, long Sequence)> deadLetters = [];

    private readonly InboundQueueJournal? journal;

    // Events accepted and not yet handled or dead-lettered; `idle` completes whenever that drops to zero.
    private int unsettled;
    private TaskCompletionSource idle = CompletedIdle();

    /// <param name="openJournal">
    /// Fault injection, for tests only: opens the journal file for appending (see <see cref="InboundQueueJournal"/>).
    /// </param>
    public InProcessInboundQueue(TimeProvider clock, InProcessQueueOptions? options = null, Func<string, FileStream>? openJournal = null)
    {
        this.clock = clock;
        Options = options ?? new InProcessQueueOptions();
        Options.Validate();
        if (Options.JournalPath is not { Length: > 0 } path) return;

        journal = new InboundQueueJournal(path, clock, Options.DuplicateDetectionWindow, openForAppend: openJournal);
        foreach (var (messageId, acceptedAt) in journal.RecentMessageIds)
        {
            recentMessageIds[messageId] = (acceptedAt, Task.CompletedTask);
            recentInOrder.Enqueue((messageId, acceptedAt));
        }

        foreach (var recovered in journal.Recovered)
        {
            if (recovered.DeadLetter is { } deadLetter) deadLetters.Add((deadLetter, recovered.Sequence));
            else if (recovered.DeliveryCount >= Options.MaxDeliveryCount) DeadLetterUnsettled(recovered);
            else Accept(recovered.Event, recovered.Sequence, recovered.DeliveryCount);
        }
    }

    public InProcessQueueOptions Options { get; }

    /// <summary>
    /// Fault injection, for tests only: when it returns true for a batch, <see cref="Enqueue"/> throws and accepts none
    /// of it, as a send to an unreachable Service Bus would — so a webhook's "answer 5xx, the sender retries" path can
    /// be exercised. Null (the default) never refuses.
    /// </summary>
    public Func<IReadOnlyList<InboundEvent>, bool>? RefuseSends { get; set; }

    /// <summary>
    /// Accepts the events and returns once they are journaled (at once without a journal); duplicates within the window
    /// are dropped silently, as Service Bus does. If a write fails it throws, and the events whose write failed are
    /// forgotten (by duplicate detection too), so that the sender's retry is accepted instead of dropped.
    /// </summary>
    public Task Enqueue(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (RefuseSends?.Invoke(events) == true)
            throw new InvalidOperationException("The in-process queue refused the send (fault injection: RefuseSends).");

        lock (gate)
        {
            var now = clock.GetUtcNow();
            ForgetMessageIdsAcceptedBefore(now - Options.DuplicateDetectionWindow);
            List<(Delivery Delivery, Task Written)>? accepted = null;
            var writes = new Writes();
            foreach (var inboundEvent in events)
            {
                var messageId = inboundEvent.MessageId;
                if (recentMessageIds.TryGetValue(messageId, out var original))
                {
                    // The original may still be on its way to disk: this send is acknowledged as it is, and fails if
                    // it fails (then the original is forgotten and the sender's next retry accepted).
                    if (!original.Written.IsCompletedSuccessfully) writes.Add(original.Written);
                    continue;
                }

                var written = Task.CompletedTask;
                var sequence = journal is null ? 0 : journal.Accepted(inboundEvent, now, out written);
                recentMessageIds[messageId] = (now, written);
                recentInOrder.Enqueue((messageId, now));
                var delivery = Accept(inboundEvent, sequence);
                if (journal is null) continue;
                (accepted ??= []).Add((delivery, written));
                writes.Add(written);
            }

            // Delivery need not wait for the disk: routing is idempotent, so a crash before the write only means the
            // unacknowledged sender retries.
            return writes.All is { } all ? Confirm(accepted, all) : Task.CompletedTask;
        }
    }

    // Awaits the writes a send depends on. If one failed, this send's events whose own write failed are withdrawn: the
    // sender is told to retry, and a retry dropped as a duplicate of an event that is not on disk would be lost.
    private async Task Confirm(List<(Delivery Delivery, Task Written)>? accepted, Task writes)
    {
        try
        {
            await writes;
        }
        catch (Exception)
        {
            lock (gate)
            {
                foreach (var (delivery, written) in accepted ?? [])
                    if (!written.IsCompletedSuccessfully) Withdraw(delivery, written);
            }

            throw;
        }
    }

    private void Withdraw(Delivery delivery, Task written)
    {
        delivery.Withdrawn = true;
        var messageId = delivery.Event.MessageId;
        if (recentMessageIds.TryGetValue(messageId, out var recent) && recent.Written == written) recentMessageIds.Remove(messageId);
        journal!.Withdrawn(delivery.Sequence);
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
        get { lock (gate) return [.. deadLetters.Select(d => d.Letter)]; }
    }

    /// <summary>
    /// Takes the dead-lettered event with this message id out of the store and enqueues it again with a fresh delivery
    /// count, bypassing duplicate detection (it is a deliberate resend). False if there is none.
    /// </summary>
    public bool Replay(string messageId)
    {
        lock (gate)
        {
            var index = deadLetters.FindIndex(d => d.Letter.Event.MessageId == messageId);
            if (index < 0) return false;
            var deadLetter = deadLetters[index];
            deadLetters.RemoveAt(index);
            Requeue(deadLetter);
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
            foreach (var deadLetter in replayed) Requeue(deadLetter);
            return replayed.Count;
        }
    }

    /// <summary>Writes what the journal still has to write and closes it.</summary>
    public ValueTask DisposeAsync() => journal?.DisposeAsync() ?? ValueTask.CompletedTask;

    // What the processor uses: a session key to work on, its first event, and how that delivery ended.

    internal ChannelReader<string> ReadySessions => readySessions.Reader;

    internal TimeProvider Clock => clock;

    internal Delivery FirstOf(string session)
    {
        lock (gate) return sessions[session].Peek();
    }

    internal void Complete(string session)
    {
        lock (gate)
        {
            journal?.Settled(sessions[session].Peek().Sequence);
            Settle(session);
        }
    }

    internal void DeadLetter(string session, string reason)
    {
        lock (gate)
        {
            var delivery = sessions[session].Peek();
            var deadLetter = new DeadLetteredEvent(delivery.Event, reason, delivery.DeliveryCount, clock.GetUtcNow());
            deadLetters.Add((deadLetter, delivery.Sequence));
            journal?.DeadLettered(delivery.Sequence, deadLetter);
            Settle(session);
        }
    }

    /// <summary>
    /// Counts a delivery of the session's first event and journals it; completes once the count would survive a killed
    /// process (a journal failure is ignored: it only costs an extra delivery after a restart).
    /// </summary>
    internal Task Delivering(Delivery delivery)
    {
        delivery.DeliveryCount++;
        return journal?.Delivering(delivery.Sequence, delivery.DeliveryCount) ?? Task.CompletedTask;
    }

    /// <summary>The session's first event was withdrawn (see <see cref="Enqueue"/>): it is taken off without a delivery.</summary>
    internal void Drop(string session)
    {
        lock (gate) Settle(session);
    }

    /// <summary>Gives the session back untouched (the processor is stopping): its first event is delivered again later.</summary>
    internal void Abandon(string session) => readySessions.Writer.TryWrite(session);

    // A replay is a new acceptance in the journal; the dead letter's record is settled.
    private void Requeue((DeadLetteredEvent Letter, long Sequence) deadLetter)
    {
        journal?.Settled(deadLetter.Sequence);
        Accept(deadLetter.Letter.Event, journal?.Accepted(deadLetter.Letter.Event, clock.GetUtcNow()) ?? 0);
    }

    // Delivered as often as allowed and never settled: each delivery stopped the process (or it was stopped during
    // each), so delivering it again would only do that again.
    private void DeadLetterUnsettled(JournaledEvent recovered)
    {
        var deadLetter = new DeadLetteredEvent(recovered.Event,
            $"The event was delivered {recovered.DeliveryCount} times without settling: the process stopped during each delivery.",
            recovered.DeliveryCount, clock.GetUtcNow());
        deadLetters.Add((deadLetter, recovered.Sequence));
        journal!.DeadLettered(recovered.Sequence, deadLetter);
    }

    private Delivery Accept(InboundEvent inboundEvent, long sequence, int deliveryCount = 0)
    {
        if (unsettled++ == 0) idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var delivery = new Delivery(inboundEvent, sequence) { DeliveryCount = deliveryCount };
        var session = inboundEvent.SessionKey;
        if (sessions.TryGetValue(session, out var waiting))
        {
            waiting.Enqueue(delivery);
            return delivery;
        }

        sessions[session] = new Queue<Delivery>([delivery]);
        readySessions.Writer.TryWrite(session);
        return delivery;
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
            // Unless it was withdrawn and accepted again since.
            if (recentMessageIds.TryGetValue(accepted.MessageId, out var current) && current.AcceptedAt == accepted.AcceptedAt)
                recentMessageIds.Remove(accepted.MessageId);
        }
    }

    /// <summary>The writes a send waits for: nearly always one batch, so a set and a WhenAll only when there are more.</summary>
    private struct Writes
    {
        private Task? first;
        private HashSet<Task>? more;

        public readonly Task? All => more is null ? first : Task.WhenAll(more);

        public void Add(Task write)
        {
            if (first is null || first == write) first ??= write;
            else (more ??= [first]).Add(write);
        }
    }

    private static TaskCompletionSource CompletedIdle()
    {
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        completed.SetResult();
        return completed;
    }

    /// <summary>
    /// One event on the queue, with its journal sequence number (0 without a journal). Only the worker holding its
    /// session touches <see cref="DeliveryCount"/>, which starts from the journal's count after a restart.
    /// </summary>
    internal sealed class Delivery(InboundEvent inboundEvent, long sequence)
    {
        public InboundEvent Event { get; } = inboundEvent;
        public long Sequence { get; } = sequence;
        public int DeliveryCount { get; set; }

        // Set under the queue's lock, read by the worker without it.
        private volatile bool withdrawn;

        /// <summary>Its acceptance failed to be written and the sender was told so: it is not delivered.</summary>
        public bool Withdrawn
        {
            get => withdrawn;
            set => withdrawn = value;
        }
    }
}
