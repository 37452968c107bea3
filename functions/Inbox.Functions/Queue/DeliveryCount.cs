using System.Globalization;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.Queue;

/// <summary>Which delivery of its Service Bus message an invocation is, as the host's binding data says (1 the first time).</summary>
public static class DeliveryCount
{
    public const string BindingDataKey = "DeliveryCount";

    public static int Of(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue(BindingDataKey, out var raw) ? From(raw) : 1;

    /// <summary>A number, or its text (over gRPC), or a JSON number; anything else counts as a first delivery.</summary>
    public static int From(object? raw) => raw switch
    {
        int count => count,
        long count => (int)count,
        string text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) => count,
        JsonElement { ValueKind: JsonValueKind.Number } element => element.GetInt32(),
        _ => 1,
    };
}
