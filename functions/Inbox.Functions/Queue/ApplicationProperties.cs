using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.Queue;

/// <summary>A Service Bus message's application properties, as the host hands them to the worker.</summary>
public static class ApplicationProperties
{
    /// <summary>The binding data key the Service Bus extension fills with the message's application properties.</summary>
    public const string BindingDataKey = "ApplicationProperties";

    /// <summary>The properties of the message that triggered <paramref name="context"/>: JSON values, empty when none.</summary>
    public static IReadOnlyDictionary<string, object> Of(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue(BindingDataKey, out var raw) ? From(raw) : new Dictionary<string, object>();

    /// <summary>The host sends them as a JSON object (a string over gRPC); a dictionary is taken as it is.</summary>
    public static IReadOnlyDictionary<string, object> From(object? raw) => raw switch
    {
        null => new Dictionary<string, object>(),
        IReadOnlyDictionary<string, object> properties => properties,
        IDictionary<string, object> properties => properties.AsReadOnly(),
        string json => Parse(json),
        JsonElement element => Parse(element.GetRawText()),
        _ => throw new InvalidOperationException($"Unexpected binding data for {BindingDataKey}: {raw.GetType()}."),
    };

    private static IReadOnlyDictionary<string, object> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) is { } properties
            ? properties.ToDictionary(p => p.Key, p => (object)p.Value)
            : new Dictionary<string, object>();
}
