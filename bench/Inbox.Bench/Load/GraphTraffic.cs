using System.Text.Json.Nodes;
using InboxServerless.Local;

namespace InboxServerless.Bench.Load;

/// <summary>
/// Microsoft Graph change notifications as Graph posts them: <c>eventsPerBatch</c> <c>created</c> items of one
/// subscription, with its clientState, each naming a message never named before.
/// </summary>
public sealed class GraphTraffic(JsonObject subscription, int eventsPerBatch) : ITraffic
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private long sequence;

    public int EventsPerBatch => eventsPerBatch;

    public Delivery Next()
    {
        var ids = new string[eventsPerBatch];
        var items = new JsonArray();
        for (var i = 0; i < eventsPerBatch; i++)
        {
            ids[i] = $"AAMk{run}{Interlocked.Increment(ref sequence):D10}";
            items.Add(FakeGraph.Notification(subscription, ids[i]));
        }

        return new Delivery(System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["value"] = items }.ToJsonString()), "application/json", [], ids);
    }
}
