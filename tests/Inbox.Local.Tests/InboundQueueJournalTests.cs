using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Local.Tests;

/// <summary>
/// The journaled in-process queue. A "crash" is a queue left as it is, never disposed, and a new queue opened over the
/// same file: what the first one acknowledged (an awaited <see cref="InProcessInboundQueue.Enqueue"/>) must be there.
/// </summary>
public sealed class InboundQueueJournalTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider clock = new(Now);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "inbox-journal-" + Guid.NewGuid().ToString("N"));

    private string JournalPath => Path.Combine(folder, "queue.journal");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private InProcessInboundQueue NewQueue(int maxDeliveryCount = 10, Func<string, FileStream>? openJournal = null) => new(clock,
        new InProcessQueueOptions
        {
            MaxDeliveryCount = maxDeliveryCount,
            RedeliveryBackoff = TimeSpan.Zero,
            JournalPath = JournalPath,
        },
        openJournal);

    private static InboundEvent Event(string sender, string externalId) => TestEvents.Message(sender, externalId, "about " + externalId, Now);

    /// <summary>Runs a processor on <paramref name="queue"/> until it is idle; returns the external ids handled, in order.</summary>
    private static async Task<IReadOnlyList<string>> Drain(InProcessInboundQueue queue, Func<InboundEvent, Task>? behaviour = null)
    {
        var handler = new Handler(behaviour ?? (_ => Task.CompletedTask));
        await using var processor = new InProcessQueueProcessor(queue, handler);
        await processor.StartAsync(CancellationToken.None);
        await queue.WhenIdle(CancellationToken.None).WaitAsync(Patience);
        return handler.Handled;
    }

    [Fact]
    public async Task Acknowledged_events_are_delivered_after_a_crash_and_each_session_keeps_its_order()
    {
        var crashed = NewQueue();
        await crashed.Enqueue([Event("alice", "a1"), Event("bob", "b1"), Event("alice", "a2")], CancellationToken.None);
        await crashed.Enqueue([Event("alice", "a3")], CancellationToken.None);
        await crashed.Enqueue([Event("bob", "b2"), Event("alice", "a4")], CancellationToken.None);

        var handled = await Drain(NewQueue());

        Assert.Equal(["a1", "a2", "a3", "a4"], handled.Where(id => id[0] == 'a'));
        Assert.Equal(["b1", "b2"], handled.Where(id => id[0] == 'b'));
    }

    [Fact]
    public async Task Handled_events_are_not_delivered_again()
    {
        var crashed = NewQueue();
        await crashed.Enqueue([Event("alice", "a1"), Event("bob", "b1")], CancellationToken.None);
        Assert.Equal(2, (await Drain(crashed)).Count);
        // Written with everything before it, so the two settle records are on disk too.
        await crashed.Enqueue([Event("alice", "a2")], CancellationToken.None);

        Assert.Equal(["a2"], await Drain(NewQueue()));
    }

    [Fact]
    public async Task Concurrent_enqueues_are_all_on_disk_when_they_return()
    {
        var crashed = NewQueue();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(() => crashed.Enqueue([Event($"person-{i % 7}", $"m{i}")], CancellationToken.None))));

        var handled = await Drain(NewQueue());

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"m{i}").Order(), handled.Order());
    }

    [Fact]
    public async Task Dead_letters_survive_and_can_be_replayed_after_a_restart()
    {
        var crashed = NewQueue(maxDeliveryCount: 2);
        await crashed.Enqueue([Event("alice", "a1")], CancellationToken.None);
        await Drain(crashed, _ => throw new InvalidOperationException("store down"));
        await crashed.Enqueue([Event("bob", "b1")], CancellationToken.None);

        var restarted = NewQueue();
        var deadLetter = Assert.Single(restarted.DeadLetters);
        Assert.Equal(("a1", "store down", 2), (deadLetter.Event.ExternalId, deadLetter.Reason, deadLetter.DeliveryCount));
        Assert.True(restarted.Replay(deadLetter.Event.MessageId));
        // Two sessions: no order between them (each delivery waits for its journal line).
        Assert.Equal(["a1", "b1"], (await Drain(restarted)).Order());
        await restarted.DisposeAsync();

        var again = NewQueue();
        Assert.Empty(again.DeadLetters);
        Assert.Empty(await Drain(again));
    }

    [Fact]
    public async Task An_event_that_crashes_the_process_at_every_delivery_is_dead_lettered_after_the_max_deliveries()
    {
        // Each "process" takes the event, its handler never returns, and it is abandoned for a new queue on the file.
        var crashed = new List<InProcessQueueProcessor>();
        try
        {
            for (var start = 0; start < 3; start++)
            {
                var queue = NewQueue(maxDeliveryCount: 3);
                Assert.Empty(queue.DeadLetters);
                var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var processor = new InProcessQueueProcessor(queue, new Handler((_, ct) =>
                {
                    delivered.TrySetResult();
                    return Task.Delay(Timeout.Infinite, ct);
                }));
                crashed.Add(processor);
                if (start == 0) await queue.Enqueue([Event("alice", "a1")], CancellationToken.None);
                await processor.StartAsync(CancellationToken.None);
                await delivered.Task.WaitAsync(Patience);
            }

            var restarted = NewQueue(maxDeliveryCount: 3);
            var deadLetter = Assert.Single(restarted.DeadLetters);
            Assert.Equal(("a1", 3), (deadLetter.Event.ExternalId, deadLetter.DeliveryCount));
            Assert.Contains("delivered 3 times without settling", deadLetter.Reason);
            Assert.Empty(await Drain(restarted));
            await restarted.DisposeAsync();

            // The dead letter is journaled: the next start neither delivers it nor counts it again.
            var again = NewQueue(maxDeliveryCount: 3);
            Assert.Equal(3, Assert.Single(again.DeadLetters).DeliveryCount);
        }
        finally
        {
            foreach (var processor in crashed) await processor.DisposeAsync();
        }
    }

    [Fact]
    public async Task Deliveries_before_a_restart_count_towards_the_max_and_a_compaction_keeps_the_count()
    {
        var crashed = NewQueue(maxDeliveryCount: 4);
        await crashed.Enqueue([Event("alice", "a1")], CancellationToken.None);
        // Two failed deliveries, then the process stops before the third (a dependency down).
        var attempts = 0;
        var twice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var processor = new InProcessQueueProcessor(crashed, new Handler((_, ct) =>
        {
            if (++attempts < 2) throw new InvalidOperationException("store down");
            twice.TrySetResult();
            return Task.Delay(Timeout.Infinite, ct);
        })))
        {
            await processor.StartAsync(CancellationToken.None);
            await twice.Task.WaitAsync(Patience);
        }

        // Opening compacts the file (twice here): the count must be in what it keeps.
        await NewQueue(maxDeliveryCount: 4).DisposeAsync();
        var restarted = NewQueue(maxDeliveryCount: 4);
        var delivered = 0;
        await Drain(restarted, _ => ++delivered < 100 ? throw new InvalidOperationException("still down") : Task.CompletedTask);

        Assert.Equal(2, delivered);
        Assert.Equal(4, Assert.Single(restarted.DeadLetters).DeliveryCount);
    }

    [Fact]
    public async Task A_compaction_while_running_keeps_each_held_event_s_delivery_count()
    {
        long heldSequence;
        await using (var journal = new InboundQueueJournal(JournalPath, clock, duplicateDetectionWindow: TimeSpan.Zero, compactionBytes: 4096))
        {
            heldSequence = journal.Accepted(Event("alice", "held"), Now);
            await journal.Delivering(heldSequence, 1);
            await journal.Delivering(heldSequence, 2);
            for (var round = 0; round < 30; round++)
            {
                var sequences = Enumerable.Range(0, 10).Select(i => journal.Accepted(Event($"person-{i}", $"m{round}-{i}"), Now)).ToList();
                foreach (var sequence in sequences) journal.Settled(sequence);
                await journal.Written();
            }
        }

        await using var reopened = new InboundQueueJournal(JournalPath, clock, TimeSpan.Zero);
        var recovered = Assert.Single(reopened.Recovered);
        Assert.Equal((heldSequence, 2), (recovered.Sequence, recovered.DeliveryCount));
    }

    [Fact]
    public async Task A_send_whose_write_failed_is_forgotten_so_the_retry_is_accepted_and_survives_a_crash()
    {
        var failing = true;
        var crashed = NewQueue(openJournal: path => new FailingFileStream(path, () => failing));
        await Assert.ThrowsAsync<IOException>(() => crashed.Enqueue([Event("alice", "a1")], CancellationToken.None));

        // The sender got an error and retries the same message; the disk is back.
        failing = false;
        await crashed.Enqueue([Event("alice", "a1")], CancellationToken.None);
        await crashed.Enqueue([Event("alice", "a2")], CancellationToken.None);

        Assert.Equal(["a1", "a2"], await Drain(NewQueue()));
    }

    [Fact]
    public async Task A_send_whose_write_failed_is_not_delivered_besides_its_retry()
    {
        var failing = true;
        var queue = NewQueue(openJournal: path => new FailingFileStream(path, () => failing));
        await Assert.ThrowsAsync<IOException>(() => queue.Enqueue([Event("alice", "a1"), Event("bob", "b1")], CancellationToken.None));
        failing = false;
        await queue.Enqueue([Event("alice", "a1")], CancellationToken.None);

        // b1 was refused too and never sent again: neither it nor the first a1 is delivered, here or after a restart.
        Assert.Equal(["a1"], await Drain(queue));
        await queue.DisposeAsync();
        Assert.Empty(await Drain(NewQueue()));
    }

    [Fact]
    public async Task A_processor_still_running_on_a_closed_journal_delivers_instead_of_waiting_for_it()
    {
        var queue = NewQueue();
        await queue.Enqueue([Event("alice", "a1")], CancellationToken.None);
        await queue.DisposeAsync();

        Assert.Equal(["a1"], await Drain(queue));
    }

    [Fact]
    public async Task A_torn_last_line_is_ignored_and_dropped_from_the_journal()
    {
        var crashed = NewQueue();
        await crashed.Enqueue([Event("alice", "a1"), Event("alice", "a2")], CancellationToken.None);
        // Killed while writing the next batch: never acknowledged.
        await File.AppendAllTextAsync(JournalPath, """{"accepted":3,"at":"2026-11-25T09:00:00+00:00","event":{"version":1,"chan""");

        var restarted = NewQueue();
        await restarted.Enqueue([Event("alice", "a3")], CancellationToken.None);

        Assert.All(await File.ReadAllLinesAsync(JournalPath), line => JsonNode.Parse(line));
        Assert.Equal(["a1", "a2", "a3"], await Drain(NewQueue()));
    }

    [Fact]
    public async Task A_damaged_line_before_the_last_is_refused()
    {
        var crashed = NewQueue();
        await crashed.Enqueue([Event("alice", "a1")], CancellationToken.None);
        var lines = await File.ReadAllLinesAsync(JournalPath);
        await File.WriteAllLinesAsync(JournalPath, ["{\"accepted\":", .. lines]);

        Assert.Throws<InvalidDataException>(() => NewQueue());
    }

    [Fact]
    public async Task Compaction_keeps_the_file_small_and_only_what_is_still_held()
    {
        var held = Enumerable.Range(0, 5).Select(i => Event($"person-{i}", $"held-{i}")).ToList();
        await using (var journal = new InboundQueueJournal(JournalPath, clock, duplicateDetectionWindow: TimeSpan.Zero, compactionBytes: 4096))
        {
            foreach (var e in held) journal.Accepted(e, Now);
            for (var round = 0; round < 30; round++)
            {
                var sequences = Enumerable.Range(0, 10).Select(i => journal.Accepted(Event($"person-{i}", $"m{round}-{i}"), Now)).ToList();
                foreach (var sequence in sequences) journal.Settled(sequence);
                await journal.Written();
            }
        }

        // 300 events and their settle records took far more than the threshold; after each write it is compacted or under it.
        Assert.True(new FileInfo(JournalPath).Length < 4096 + 8192, $"{new FileInfo(JournalPath).Length} bytes");
        Assert.False(File.Exists(JournalPath + ".compacting"));

        // Opening compacts too: the five held events, in order, and nothing else.
        await using var reopened = new InboundQueueJournal(JournalPath, clock, TimeSpan.Zero);
        Assert.Equal(held.Select(e => e.ExternalId), reopened.Recovered.Select(r => r.Event.ExternalId));
        Assert.Equal(5, (await File.ReadAllLinesAsync(JournalPath)).Length);
    }

    [Fact]
    public async Task Duplicate_detection_remembers_ids_across_restarts_within_its_window()
    {
        var first = NewQueue();
        await first.Enqueue([Event("alice", "a1")], CancellationToken.None);
        await Drain(first);
        await first.DisposeAsync();

        // Opened and closed: the journal is compacted, and a1, handled, is only an id to remember.
        await NewQueue().DisposeAsync();

        var second = NewQueue();
        await second.Enqueue([Event("alice", "a1"), Event("alice", "a2")], CancellationToken.None);
        Assert.Equal(["a2"], await Drain(second));
        await second.DisposeAsync();

        clock.Advance(TimeSpan.FromMinutes(11));
        var third = NewQueue();
        await third.Enqueue([Event("alice", "a1")], CancellationToken.None);
        Assert.Equal(["a1"], await Drain(third));
    }

    [Fact]
    public async Task Without_a_journal_path_nothing_is_written()
    {
        var queue = new InProcessInboundQueue(clock, new InProcessQueueOptions());
        await queue.Enqueue([Event("alice", "a1")], CancellationToken.None);

        Assert.False(Directory.Exists(folder));
    }

    /// <summary>A disk that fails while <c>failing</c> says so: half of each write lands, then it throws, as a full disk does.</summary>
    private sealed class FailingFileStream(string path, Func<bool> failing) : FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)
    {
        // A type derived from FileStream has its span writes come here too.
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (!failing())
            {
                base.Write(buffer, offset, count);
                return;
            }

            base.Write(buffer, offset, count / 2);
            base.Flush(flushToDisk: false);
            throw new IOException("No space left on device (fault injection).");
        }

        public override void Flush(bool flushToDisk)
        {
            if (failing()) throw new IOException("No space left on device (fault injection).");
            base.Flush(flushToDisk);
        }
    }

    private sealed class Handler(Func<InboundEvent, CancellationToken, Task> behaviour) : IInboundEventHandler
    {
        public Handler(Func<InboundEvent, Task> behaviour) : this((e, _) => behaviour(e))
        {
        }

        private readonly ConcurrentQueue<string> handled = new();

        public IReadOnlyList<string> Handled => [.. handled];

        public async Task Handle(InboundEvent inboundEvent, CancellationToken ct)
        {
            await behaviour(inboundEvent, ct);
            handled.Enqueue(inboundEvent.ExternalId);
        }
    }
}
