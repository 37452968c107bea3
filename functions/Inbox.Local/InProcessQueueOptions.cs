namespace InboxServerless.Local;

/// <summary>
/// How the in-process queue behaves. The defaults are Service Bus's (<c>MaxDeliveryCount</c> 10, a 10-minute duplicate
/// detection window), so the dev host fails the way Azure does; tests shrink the backoff to nothing.
/// </summary>
public sealed class InProcessQueueOptions
{
    /// <summary>Deliveries of one event before it goes to the dead-letter store.</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>
    /// Wait before redelivering a failed event, times the deliveries so far: a failing dependency gets a moment to
    /// recover instead of burning the deliveries in a tight loop. Zero redelivers at once.
    /// </summary>
    public TimeSpan RedeliveryBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Sessions handled at the same time (one event at a time within each).</summary>
    public int MaxConcurrentSessions { get; set; } = 8;

    /// <summary>An event whose <c>MessageId</c> was accepted within this window is dropped at enqueue.</summary>
    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A file that journals the queue (<see cref="InboundQueueJournal"/>), so queued and dead-lettered events survive a
    /// restart or a killed process; null or empty keeps the queue in memory only.
    /// </summary>
    public string? JournalPath { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDeliveryCount, 1, nameof(MaxDeliveryCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentSessions, 1, nameof(MaxConcurrentSessions));
        ArgumentOutOfRangeException.ThrowIfLessThan(RedeliveryBackoff, TimeSpan.Zero, nameof(RedeliveryBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(DuplicateDetectionWindow, TimeSpan.Zero, nameof(DuplicateDetectionWindow));
    }
}
