using BenchmarkDotNet.Attributes;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Bench.Micro;

/// <summary>
/// Messenger's window decision as a reply makes it before every attempt: over the clock, for an agent's reply 41 hours
/// after the person's last message (the human-agent window), beside reading the clock alone.
/// </summary>
[MemoryDiagnoser]
public class MessagingWindowBenchmarks
{
    private readonly TimeProvider clock = TimeProvider.System;
    private DateTimeOffset lastIncoming;

    [GlobalSetup]
    public void Setup() => lastIncoming = clock.GetUtcNow() - TimeSpan.FromHours(41);

    [Benchmark(Baseline = true, Description = "Reading the clock alone")]
    public DateTimeOffset Now() => clock.GetUtcNow();

    [Benchmark(Description = "MessagingWindow: Decide for a person")]
    public WindowDecision Decide() => MessagingWindow.Decide(lastIncoming, clock, ReplySender.Person);
}
