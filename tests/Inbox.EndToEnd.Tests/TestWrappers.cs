using System.Collections.Concurrent;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>Faults a test turns on for its own account and off again; the product's code knows nothing of them.</summary>
public sealed class TestFaults
{
    private readonly ConcurrentDictionary<string, bool> ticketStoreDownFor = new();

    public void TicketStoreDown(string accountId) => ticketStoreDownFor[accountId] = true;

    public void TicketStoreUp(string accountId) => ticketStoreDownFor.TryRemove(accountId, out _);

    public bool IsTicketStoreDown(string accountId) => ticketStoreDownFor.ContainsKey(accountId);
}

/// <summary>The real ticket store, failing every call for an account whose store a test has taken down.</summary>
public sealed class FaultyTicketStore(ITicketStore store, TestFaults faults) : ITicketStore
{
    public const string Failure = "The ticket store is down (test fault).";

    public Task<Ticket> CreateOrGet(Ticket ticket, CancellationToken ct) => Check(ticket.AccountId).CreateOrGet(ticket, ct);

    public Task<Ticket?> Find(string accountId, string ticketId, CancellationToken ct) => Check(accountId).Find(accountId, ticketId, ct);

    public Task<int> CountForContact(string accountId, string contactId, CancellationToken ct) =>
        Check(accountId).CountForContact(accountId, contactId, ct);

    public Task<Page<Ticket>> List(
        string accountId, IReadOnlyCollection<string>? inboxIds, int pageSize, string? continuationToken, CancellationToken ct) =>
        Check(accountId).List(accountId, inboxIds, pageSize, continuationToken, ct);

    private ITicketStore Check(string accountId) =>
        faults.IsTicketStoreDown(accountId) ? throw new InvalidOperationException(Failure) : store;
}

/// <summary>Counts the deliveries of each message id the in-process queue hands to the queue function.</summary>
public sealed class DeliveryCounter
{
    private readonly ConcurrentDictionary<string, int> counts = new();

    public int Of(string messageId) => counts.GetValueOrDefault(messageId);

    internal void Count(string messageId) => counts.AddOrUpdate(messageId, 1, (_, n) => n + 1);
}

public sealed class CountingHandler(IInboundEventHandler inner, DeliveryCounter counter) : IInboundEventHandler
{
    public Task Handle(InboundEvent inboundEvent, CancellationToken ct) => Handle(inboundEvent, 1, ct);

    public Task Handle(InboundEvent inboundEvent, int deliveryCount, CancellationToken ct)
    {
        counter.Count(inboundEvent.MessageId);
        return inner.Handle(inboundEvent, deliveryCount, ct);
    }
}

/// <summary>Counts the events put on the queue (those it accepted), whoever put them there.</summary>
public sealed class EnqueueCounter
{
    private int count;

    public int Count => Volatile.Read(ref count);

    internal void Add(int events) => Interlocked.Add(ref count, events);
}

public sealed class CountingQueue(IInboundQueue inner, EnqueueCounter counter) : IInboundQueue
{
    public async Task Enqueue(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        await inner.Enqueue(events, ct);
        counter.Add(events.Count);
    }
}

public static class ServiceCollectionDecoration
{
    /// <summary>Replaces the last registration of <typeparamref name="T"/> by a singleton wrapping what it made.</summary>
    public static IServiceCollection Decorate<T>(this IServiceCollection services, Func<T, IServiceProvider, T> decorate) where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(original);
        services.AddSingleton(sp => decorate((T)Create(original, sp), sp));
        return services;
    }

    private static object Create(ServiceDescriptor descriptor, IServiceProvider services) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
