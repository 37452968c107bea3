namespace InboxServerless.Bench.Load;

/// <summary>One request the generator posts: its body, content type and headers, and the ids of the events it carries.</summary>
public sealed record Delivery(byte[] Body, string ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers, IReadOnlyList<string> MessageIds);

/// <summary>What a load generator sends: a provider's webhook deliveries, each new.</summary>
public interface ITraffic
{
    int EventsPerBatch { get; }

    Delivery Next();
}
