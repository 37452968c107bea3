using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;

namespace InboxServerless.Local;

/// <summary>
/// An event the journal still holds: waiting to be handled, or dead-lettered (<see cref="DeadLetter"/> set), with the
/// deliveries it had (settled or not) so a restart does not start its count again.
/// </summary>
public sealed record JournaledEvent(long Sequence, InboundEvent Event, DeadLetteredEvent? DeadLetter, int DeliveryCount = 0);

/// <summary>
/// The in-process queue's write-ahead journal, so acknowledged events survive a killed process. One JSON object a line:
/// <c>{"accepted":7,"at":…,"event":{…}}</c> when an event is accepted, <c>{"delivering":7,"deliveryCount":3}</c> before
/// each delivery is handed to the handler, <c>{"settled":7}</c> when it is handled or replayed,
/// <c>{"deadLettered":7,"at":…,"reason":…,"deliveryCount":10}</c> when it is dead-lettered, and
/// <c>{"recent":"&lt;message id&gt;","at":…}</c> for duplicate detection after a compaction. Appends are gathered and
/// written by one writer, <see cref="FileStream.Flush(bool)"/> to disk, so concurrent enqueues share an fsync (group
/// commit); a batch of nothing but delivering lines is written to the OS and not synced (see <see cref="Delivering"/>).
/// A failed write faults its batch, and the file, which may end in part of it, is rewritten from what is held before the
/// next write; the queue withdraws (<see cref="Withdrawn"/>) the acceptances that were in it. Opening reads the file,
/// ignores a torn last line (a write cut by a kill) and rewrites the file with only what is still held; so does a
/// compaction once the file has doubled since the last one.
/// </summary>
public sealed class InboundQueueJournal : IAsyncDisposable
{
    /// <summary>No compaction below this size: rewriting a small file saves nothing.</summary>
    public const long DefaultCompactionBytes = 8 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(InboxJson.Storage) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly string path;
    private readonly TimeProvider clock;
    private readonly TimeSpan duplicateDetectionWindow;
    private readonly long compactionBytes;
    private readonly Func<string, FileStream> openForAppend;
    private readonly Lock sync = new();

    // What a compaction must keep: the lines of events still held, by sequence, and the message ids accepted lately.
    private readonly SortedDictionary<long, HeldEvent> held = [];
    private readonly Queue<(string MessageId, DateTimeOffset AcceptedAt, long Sequence)> recent = new();

    // Lines appended and not yet written, and the batch their writers wait on; the last batch handed to the writer.
    private readonly StringBuilder pending = new();
    private Batch gathering = new();
    private Task lastWritten = Task.CompletedTask;

    // Tells the writer there is something to write; one signal is enough however many appends there were.
    private readonly Channel<bool> wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Task writing;
    private FileStream file;
    private long length;
    private long lengthAfterCompaction;
    private long nextSequence = 1;

    // Set when a write failed, as the file may end in part of a line that later lines would leave mid-file (refused on
    // open), and when an acceptance is withdrawn: the writer rewrites the file from what is held before its next write.
    private bool mustRewrite;
    private int disposed;

    /// <summary>
    /// Opens (or creates) the journal at <paramref name="path"/>, reads what it holds into <see cref="Recovered"/> and
    /// <see cref="RecentMessageIds"/>, and rewrites it with only that. <paramref name="openForAppend"/> is for fault
    /// injection in tests: it opens the file the journal appends to (a failing disk is a stream that throws).
    /// </summary>
    public InboundQueueJournal(
        string path, TimeProvider clock, TimeSpan duplicateDetectionWindow, long compactionBytes = DefaultCompactionBytes,
        Func<string, FileStream>? openForAppend = null)
    {
        this.openForAppend = openForAppend ?? (file => new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.Read));
        this.path = System.IO.Path.GetFullPath(path);
        this.clock = clock;
        this.duplicateDetectionWindow = duplicateDetectionWindow;
        this.compactionBytes = compactionBytes;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(this.path)!);
        Recovered = Load();
        file = Compact();
        writing = Task.Run(Write);
    }

    /// <summary>What the file held when opened: the events in their acceptance order.</summary>
    public IReadOnlyList<JournaledEvent> Recovered { get; }

    /// <summary>Message ids accepted within the duplicate detection window before the journal was opened, oldest first.</summary>
    public IReadOnlyList<(string MessageId, DateTimeOffset AcceptedAt)> RecentMessageIds { get; private set; } = [];

    /// <summary>Records an accepted event; returns its sequence number. Durable once <see cref="Written"/> completes.</summary>
    public long Accepted(InboundEvent inboundEvent, DateTimeOffset at) => Accepted(inboundEvent, at, out _);

    /// <summary>Records an accepted event; returns its sequence number, and <paramref name="written"/>, the write of its line.</summary>
    public long Accepted(InboundEvent inboundEvent, DateTimeOffset at, out Task written)
    {
        lock (sync)
        {
            var sequence = nextSequence++;
            var line = Line(new Entry { Accepted = sequence, At = at, Event = inboundEvent });
            held[sequence] = new HeldEvent(line);
            ForgetRecentAcceptedBefore(at - duplicateDetectionWindow);
            recent.Enqueue((inboundEvent.MessageId, at, sequence));
            Append(line, needsSync: true);
            written = gathering.Durable.Task;
            return sequence;
        }
    }

    /// <summary>
    /// Takes back an acceptance whose write failed (the sender was told so and may send it again): the event is no longer
    /// held nor its message id remembered, and the file is rewritten without it, as part of its line may have been written.
    /// </summary>
    public void Withdrawn(long sequence)
    {
        lock (sync)
        {
            held.Remove(sequence);
            if (recent.Any(r => r.Sequence == sequence))
            {
                var kept = recent.Where(r => r.Sequence != sequence).ToList();
                recent.Clear();
                foreach (var r in kept) recent.Enqueue(r);
            }

            mustRewrite = true;
            wake.Writer.TryWrite(true);
        }
    }

    /// <summary>The event was handled, or replayed under a new sequence number: it is not loaded again.</summary>
    public void Settled(long sequence)
    {
        lock (sync)
        {
            held.Remove(sequence);
            Append(Line(new Entry { Settled = sequence }), needsSync: true);
        }
    }

    /// <summary>
    /// Records that the event is about to be delivered for the <paramref name="deliveryCount"/>th time, so deliveries
    /// that never settle (the process killed mid-handler, as a lock expiring in Service Bus) still count after a restart.
    /// Completes once the line is handed to the OS, which is what survives a killed process; it is not synced to disk,
    /// as that would cost an fsync per delivery: a line lost with the machine only means one extra delivery.
    /// </summary>
    public Task Delivering(long sequence, int deliveryCount)
    {
        lock (sync)
        {
            if (!held.TryGetValue(sequence, out var heldEvent)) return Task.CompletedTask;
            var line = Line(new Entry { Delivering = sequence, DeliveryCount = deliveryCount });
            heldEvent.Delivering = line;
            Append(line, needsSync: false);
            return gathering.Handed.Task;
        }
    }

    public void DeadLettered(long sequence, DeadLetteredEvent deadLetter)
    {
        lock (sync)
        {
            var line = Line(new Entry
            {
                DeadLettered = sequence, At = deadLetter.DeadLetteredAt, Reason = deadLetter.Reason, DeliveryCount = deadLetter.DeliveryCount,
            });
            if (held.TryGetValue(sequence, out var heldEvent)) heldEvent.DeadLettered = line;
            Append(line, needsSync: true);
        }
    }

    /// <summary>Completes once everything recorded so far is on disk (delivering lines only with the OS); faults if writing it failed.</summary>
    public Task Written()
    {
        lock (sync) return pending.Length > 0 ? gathering.Durable.Task : lastWritten;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        wake.Writer.TryComplete();
        await writing;
        await file.DisposeAsync();
        // Lines appended from now on are never written: whoever waits on them (a delivery, a send) must not wait for ever.
        var closed = new ObjectDisposedException(nameof(InboundQueueJournal));
        lock (sync)
        {
            gathering.Handed.TrySetException(closed);
            gathering.Durable.TrySetException(closed);
        }
    }

    private void Append(string line, bool needsSync)
    {
        gathering.Sync |= needsSync;
        pending.Append(line).Append('\n');
        wake.Writer.TryWrite(true);
    }

    // The one writer: takes whatever was appended while the previous write was on its way to disk, writes it, syncs it.
    private async Task Write()
    {
        while (await wake.Reader.WaitToReadAsync())
        {
            wake.Reader.TryRead(out _);
            byte[] bytes;
            Batch batch;
            bool rewrite;
            lock (sync)
            {
                if (pending.Length == 0 && !mustRewrite) continue;
                rewrite = mustRewrite;
                mustRewrite = false;
                bytes = Encoding.UTF8.GetBytes(pending.ToString());
                pending.Clear();
                batch = gathering;
                lastWritten = batch.Durable.Task;
                gathering = new Batch();
            }

            try
            {
                if (rewrite) await Rewrite();
                file.Write(bytes);
                file.Flush(flushToDisk: false);
                batch.Handed.SetResult();
                // Only delivering lines need no sync; any other line in the batch syncs them all.
                if (batch.Sync) file.Flush(flushToDisk: true);
                length += bytes.Length;
                batch.Durable.SetResult();
            }
            catch (Exception failure)
            {
                lock (sync) mustRewrite = true;
                batch.Handed.TrySetException(failure);
                batch.Durable.SetException(failure);
            }

            if (length >= compactionBytes && length >= 2 * lengthAfterCompaction)
            {
                try
                {
                    await Rewrite();
                }
                catch (Exception)
                {
                    // The journal as it is stays valid, and the writer must live on: the next write tries again.
                }
            }
        }
    }

    private async Task Rewrite()
    {
        var compacted = Compact();
        try
        {
            await file.DisposeAsync();
        }
        catch (IOException)
        {
            // The old file after a failed write: it may still hold what it failed to write, and it was replaced anyway.
        }

        file = compacted;
    }

    /// <summary>
    /// Writes what is held (recent message ids, then the held events in order) to a temporary file, syncs it and renames
    /// it over the journal, so a kill at any point leaves the old file or the new one. Returns the new file, for appending.
    /// Lines still pending may be in the new file already; writing them again after it changes nothing (a held event's
    /// lines are set, its delivery count and dead letter are set, not added to, or it is removed, so a repeated suffix
    /// ends in the same state).
    /// </summary>
    private FileStream Compact()
    {
        (string MessageId, DateTimeOffset AcceptedAt, long Sequence)[] recentIds;
        string[] heldLines;
        lock (sync)
        {
            ForgetRecentAcceptedBefore(clock.GetUtcNow() - duplicateDetectionWindow);
            recentIds = [.. recent];
            heldLines = [.. held.Values.SelectMany(heldEvent => heldEvent.Lines)];
        }

        var temporary = path + ".compacting";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            foreach (var (messageId, acceptedAt, _) in recentIds) writer.Write(Line(new Entry { Recent = messageId, At = acceptedAt }) + "\n");
            foreach (var line in heldLines) writer.Write(line + "\n");
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        var appending = openForAppend(path);
        length = lengthAfterCompaction = appending.Length;
        return appending;
    }

    private void ForgetRecentAcceptedBefore(DateTimeOffset cutoff)
    {
        while (recent.TryPeek(out var oldest) && oldest.AcceptedAt <= cutoff) recent.Dequeue();
    }

    /// <summary>Reads the journal into <see cref="held"/> and <see cref="recent"/>; a line that does not parse may only be the last.</summary>
    private List<JournaledEvent> Load()
    {
        var cutoff = clock.GetUtcNow() - duplicateDetectionWindow;
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path);
        var seen = new HashSet<string>();
        var recentIds = new List<(string, DateTimeOffset)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            Entry entry;
            try
            {
                entry = JsonSerializer.Deserialize<Entry>(lines[i], Json) ?? throw new JsonException("null");
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                break; // torn: the process was killed while writing it, so it was never acknowledged
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The queue journal {path} is damaged at line {i + 1}: {e.Message}", e);
            }

            if (entry is { Accepted: { } sequence, Event: { } inboundEvent, At: { } at })
            {
                held[sequence] = new HeldEvent(lines[i]);
                nextSequence = Math.Max(nextSequence, sequence + 1);
                Remember(inboundEvent.MessageId, at, sequence);
            }
            else if (entry is { Recent: { } messageId, At: { } acceptedAt }) Remember(messageId, acceptedAt, 0);
            else if (entry.Settled is { } settled) held.Remove(settled);
            else if (entry.Delivering is { } delivering && held.TryGetValue(delivering, out var delivered)) delivered.Delivering = lines[i];
            else if (entry.DeadLettered is { } deadLettered && held.TryGetValue(deadLettered, out var dead)) dead.DeadLettered = lines[i];
        }

        RecentMessageIds = recentIds;
        return [.. held.Select(h => Recover(h.Key, h.Value))];

        void Remember(string messageId, DateTimeOffset acceptedAt, long sequence)
        {
            if (acceptedAt <= cutoff || !seen.Add(messageId)) return;
            recent.Enqueue((messageId, acceptedAt, sequence));
            recentIds.Add((messageId, acceptedAt));
        }
    }

    private static JournaledEvent Recover(long sequence, HeldEvent heldEvent)
    {
        var accepted = JsonSerializer.Deserialize<Entry>(heldEvent.Accepted, Json)!;
        var delivering = heldEvent.Delivering is { } d ? JsonSerializer.Deserialize<Entry>(d, Json) : null;
        var deadLettered = heldEvent.DeadLettered is { } l ? JsonSerializer.Deserialize<Entry>(l, Json) : null;
        return new JournaledEvent(sequence, accepted.Event!, deadLettered is null
            ? null
            : new DeadLetteredEvent(accepted.Event!, deadLettered.Reason ?? "", deadLettered.DeliveryCount ?? 0,
                deadLettered.At ?? accepted.At!.Value),
            delivering?.DeliveryCount ?? 0);
    }

    private static string Line(Entry entry) => JsonSerializer.Serialize(entry, Json);

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Lines appended together and written in one go: <see cref="Handed"/> once they are with the OS (they survive a
    /// killed process), <see cref="Durable"/> once synced (they survive the machine), unless none of them needed it.
    /// </summary>
    private sealed class Batch
    {
        public TaskCompletionSource Handed { get; } = NewCompletion();
        public TaskCompletionSource Durable { get; } = NewCompletion();
        public bool Sync { get; set; }
    }

    /// <summary>A held event's lines: accepted, then its latest delivering line and its dead letter, if any.</summary>
    private sealed class HeldEvent(string accepted)
    {
        public string Accepted { get; } = accepted;
        public string? Delivering { get; set; }
        public string? DeadLettered { get; set; }

        public IEnumerable<string> Lines
        {
            get
            {
                yield return Accepted;
                if (Delivering is not null) yield return Delivering;
                if (DeadLettered is not null) yield return DeadLettered;
            }
        }
    }

    /// <summary>One line of the journal; which fields are set says what it records.</summary>
    private sealed record Entry
    {
        public long? Accepted { get; init; }
        public long? Delivering { get; init; }
        public long? Settled { get; init; }
        public long? DeadLettered { get; init; }
        public string? Recent { get; init; }
        public DateTimeOffset? At { get; init; }
        public string? Reason { get; init; }
        public int? DeliveryCount { get; init; }
        public InboundEvent? Event { get; init; }
    }
}
