using System.Collections.Concurrent;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Local.Tests;

public sealed class InProcessInboundQueueTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    // Long enough never to fire on a healthy run, short enough that a broken queue fails the test instead of hanging it.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider clock = new(Now);

    private InProcessInboundQueue NewQueue(int maxDeliveryCount = 10, int maxConcurrentSessions = 8, int backoffMilliseconds = 0, TimeProvider? time = null) =>
        new(time ?? clock, new InProcessQueueOptions
        {
            MaxDeliveryCount = maxDeliveryCount,
            MaxConcurrentSessions = maxConcurrentSessions,
            RedeliveryBackoff = TimeSpan.FromMilliseconds(backoffMilliseconds),
        });

    /// <summary>A Messenger message: the sender is the session, the external id makes the message id.</summary>
    private static InboundEvent Event(string sender, string externalId) => TestEvents.Message(sender, externalId, externalId, Now);

    private static Task Idle(InProcessInboundQueue queue) => queue.WhenIdle(CancellationToken.None).WaitAsync(Patience);

    [Theory]
    [InlineData(0)]
    [InlineData(5)] // a real (short) backoff between deliveries
    public async Task A_handler_that_fails_twice_sees_the_event_three_times_and_it_is_not_dead_lettered(int backoffMilliseconds)
    {
        // The backoff waits on the queue's clock: the system's, so that it elapses (the fake clock's timers wait for Advance).
        var queue = NewQueue(backoffMilliseconds: backoffMilliseconds, time: TimeProvider.System);
        var handler = new RecordingHandler((e, attempt) => attempt <= 2 ? throw new InvalidOperationException("not yet") : Task.CompletedTask);
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);

        await queue.Enqueue([Event("alice", "m1")], CancellationToken.None);
        await Idle(queue);

        Assert.Equal(["m1", "m1", "m1"], handler.Attempts.Select(e => e.ExternalId));
        Assert.Equal(["m1"], handler.Handled.Select(e => e.ExternalId));
        Assert.Empty(queue.DeadLetters);
    }

    [Fact]
    public async Task A_session_is_handled_in_enqueue_order_even_when_an_earlier_event_is_retried()
    {
        var queue = NewQueue();
        // Alice's first event fails twice: her later events must wait for it, Bob's need not.
        var handler = new RecordingHandler(async (e, attempt) =>
        {
            await Task.Yield();
            if (e.ExternalId == "a1" && attempt <= 2) throw new InvalidOperationException("store busy");
        });
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);

        await queue.Enqueue([Event("alice", "a1"), Event("bob", "b1"), Event("alice", "a2")], CancellationToken.None);
        await queue.Enqueue([Event("bob", "b2"), Event("alice", "a3")], CancellationToken.None);
        await queue.Enqueue([Event("alice", "a4"), Event("bob", "b3")], CancellationToken.None);
        await Idle(queue);

        Assert.Equal(["a1", "a1", "a1", "a2", "a3", "a4"], handler.Attempts.Where(e => e.Sender.Id == "alice").Select(e => e.ExternalId));
        Assert.Equal(["a1", "a2", "a3", "a4"], handler.Handled.Where(e => e.Sender.Id == "alice").Select(e => e.ExternalId));
        Assert.Equal(["b1", "b2", "b3"], handler.Handled.Where(e => e.Sender.Id == "bob").Select(e => e.ExternalId));
        Assert.Equal(1, handler.MostAtOnceInOneSession);
    }

    [Fact]
    public async Task Different_sessions_are_handled_at_the_same_time()
    {
        var queue = NewQueue();
        var aliceIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bobIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Each handler announces itself, then waits for the other: only overlapping handlers both get through.
        var handler = new RecordingHandler(async (e, _) =>
        {
            (e.Sender.Id == "alice" ? aliceIn : bobIn).TrySetResult();
            await Task.WhenAll(aliceIn.Task, bobIn.Task).WaitAsync(Patience);
        });
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);

        await queue.Enqueue([Event("alice", "a1"), Event("bob", "b1")], CancellationToken.None);
        await Idle(queue);

        Assert.Equal(2, handler.Attempts.Count);
        Assert.Equal(2, handler.Handled.Count);
        Assert.Empty(queue.DeadLetters);
    }

    [Fact]
    public async Task No_more_sessions_than_the_bound_are_handled_at_once()
    {
        var queue = NewQueue(maxConcurrentSessions: 2);
        var inFlight = 0;
        var most = 0;
        var twoIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler(async (_, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            if (now == 2) twoIn.TrySetResult();
            await twoIn.Task.WaitAsync(Patience);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
        });
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);

        await queue.Enqueue([.. Enumerable.Range(1, 6).Select(i => Event($"visitor-{i}", $"m{i}"))], CancellationToken.None);
        await Idle(queue);

        Assert.Equal(6, handler.Handled.Count);
        Assert.Equal(2, most);
    }

    [Fact]
    public async Task An_event_that_keeps_failing_is_dead_lettered_with_the_reason_and_its_session_moves_on()
    {
        var queue = NewQueue(maxDeliveryCount: 3);
        var handler = new RecordingHandler((e, _) => e.ExternalId == "poison" ? throw new FormatException("unreadable payload") : Task.CompletedTask);
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);

        await queue.Enqueue([Event("alice", "poison"), Event("alice", "next")], CancellationToken.None);
        await Idle(queue);

        Assert.Equal(["poison", "poison", "poison", "next"], handler.Attempts.Select(e => e.ExternalId));
        var deadLetter = Assert.Single(queue.DeadLetters);
        Assert.Equal("poison", deadLetter.Event.ExternalId);
        Assert.Equal("unreadable payload", deadLetter.Reason);
        Assert.Equal(3, deadLetter.DeliveryCount);
        Assert.Equal(Now, deadLetter.DeadLetteredAt);
    }

    [Fact]
    public async Task A_dead_lettered_event_replayed_after_the_fix_is_handled_and_leaves_the_store()
    {
        var queue = NewQueue(maxDeliveryCount: 2);
        var broken = true;
        var handler = new RecordingHandler((_, _) => Volatile.Read(ref broken) ? throw new InvalidOperationException("bug") : Task.CompletedTask);
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);

        var first = Event("alice", "m1");
        await queue.Enqueue([first, Event("bob", "m2")], CancellationToken.None);
        await Idle(queue);
        Assert.Equal(2, queue.DeadLetters.Count);
        Assert.Empty(handler.Handled);

        Volatile.Write(ref broken, false);
        Assert.False(queue.Replay("no-such-message"));
        Assert.True(queue.Replay(first.MessageId)); // within the duplicate window: a replay is not a duplicate
        await Idle(queue);
        Assert.Equal(["m1"], handler.Handled.Select(e => e.ExternalId));
        Assert.Equal(["m2"], queue.DeadLetters.Select(d => d.Event.ExternalId));

        Assert.Equal(1, queue.ReplayAll());
        await Idle(queue);
        Assert.Equal(["m1", "m2"], handler.Handled.Select(e => e.ExternalId));
        Assert.Empty(queue.DeadLetters);
    }

    [Fact]
    public async Task A_message_id_seen_within_the_window_is_dropped_and_accepted_again_after_it()
    {
        var queue = NewQueue();
        var handler = new RecordingHandler((_, _) => Task.CompletedTask);
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);

        // The same webhook delivered twice in one batch, then again later within the window.
        await queue.Enqueue([Event("alice", "m1"), Event("alice", "m1")], CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(9));
        await queue.Enqueue([Event("alice", "m1")], CancellationToken.None);
        await Idle(queue);
        Assert.Single(handler.Handled);

        clock.Advance(TimeSpan.FromMinutes(1));
        await queue.Enqueue([Event("alice", "m1")], CancellationToken.None);
        await Idle(queue);
        Assert.Equal(2, handler.Handled.Count);
    }

    [Fact]
    public async Task WhenIdle_waits_for_the_event_in_flight_and_completes_at_once_when_there_is_none()
    {
        var queue = NewQueue();
        await Idle(queue); // nothing enqueued yet

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler(async (_, _) =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(Patience);
        });
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);

        await queue.Enqueue([Event("alice", "m1")], CancellationToken.None);
        var idle = queue.WhenIdle(CancellationToken.None);
        await started.Task.WaitAsync(Patience);
        Assert.False(idle.IsCompleted); // the handler is held, so the queue cannot be idle

        release.SetResult();
        await idle.WaitAsync(Patience);
        Assert.Single(handler.Handled);
    }

    [Fact]
    public async Task WhenIdle_gives_up_when_cancelled()
    {
        var queue = NewQueue();
        await queue.Enqueue([Event("alice", "m1")], CancellationToken.None); // no processor: never idle

        using var cancel = new CancellationTokenSource();
        var idle = queue.WhenIdle(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => idle.WaitAsync(Patience));
    }

    [Fact]
    public async Task Events_left_by_a_stopped_processor_are_delivered_by_the_next()
    {
        var queue = NewQueue();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new RecordingHandler(async (_, _, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        var processor = new InProcessQueueProcessor(queue, holding);
        await processor.StartAsync(CancellationToken.None);
        await queue.Enqueue([Event("alice", "m1"), Event("alice", "m2")], CancellationToken.None);
        await started.Task.WaitAsync(Patience);
        await processor.StopAsync(CancellationToken.None).WaitAsync(Patience);

        var handler = new RecordingHandler((_, _) => Task.CompletedTask);
        await using var next = new InProcessQueueProcessor(queue, handler);
        await next.StartAsync(CancellationToken.None);
        await Idle(queue);

        Assert.Equal(["m1", "m2"], handler.Handled.Select(e => e.ExternalId));
        Assert.Empty(queue.DeadLetters);
    }

    [Fact]
    public async Task A_refused_send_throws_and_accepts_nothing()
    {
        var queue = NewQueue();
        queue.RefuseSends = events => events.Any(e => e.ExternalId == "m2");

        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.Enqueue([Event("alice", "m1"), Event("bob", "m2")], CancellationToken.None));
        await Idle(queue); // nothing was accepted, so nothing is pending

        // Nor was its message id remembered: the sender's retry goes through once the queue takes sends again.
        var handler = new RecordingHandler((_, _) => Task.CompletedTask);
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);
        queue.RefuseSends = null;
        await queue.Enqueue([Event("alice", "m1"), Event("bob", "m2")], CancellationToken.None);
        await Idle(queue);
        Assert.Equal(2, handler.Handled.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    /// <summary>Records every delivery (and which succeeded) and checks no session is ever handled twice at once.</summary>
    private sealed class RecordingHandler(Func<InboundEvent, int, CancellationToken, Task> behaviour) : IInboundEventHandler
    {
        private readonly ConcurrentDictionary<string, int> attemptsByMessage = new();
        private readonly ConcurrentDictionary<string, int> inFlightBySession = new();
        private readonly ConcurrentQueue<InboundEvent> attempts = new();
        private readonly ConcurrentQueue<InboundEvent> handled = new();
        private int mostAtOnceInOneSession;

        public RecordingHandler(Func<InboundEvent, int, Task> behaviour) : this((e, attempt, _) => behaviour(e, attempt)) { }

        public IReadOnlyList<InboundEvent> Attempts => [.. attempts];
        public IReadOnlyList<InboundEvent> Handled => [.. handled];
        public int MostAtOnceInOneSession => Volatile.Read(ref mostAtOnceInOneSession);

        public async Task Handle(InboundEvent inboundEvent, CancellationToken ct)
        {
            var inSession = inFlightBySession.AddOrUpdate(inboundEvent.SessionKey, 1, (_, n) => n + 1);
            InterlockedMax(ref mostAtOnceInOneSession, inSession);
            try
            {
                attempts.Enqueue(inboundEvent);
                var attempt = attemptsByMessage.AddOrUpdate(inboundEvent.MessageId, 1, (_, n) => n + 1);
                await behaviour(inboundEvent, attempt, ct);
                handled.Enqueue(inboundEvent);
            }
            finally
            {
                inFlightBySession.AddOrUpdate(inboundEvent.SessionKey, 0, (_, n) => n - 1);
            }
        }
    }
}
