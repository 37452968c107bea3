using System.Globalization;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;

namespace InboxServerless.Azure.ServiceBus;

/// <summary>
/// Turns a received message back into the <see cref="InboundEvent"/> that <see cref="ServiceBusInboundQueue"/> sent:
/// the body, or the claim-check blob its <see cref="InboundMessageFormat.ClaimCheckProperty"/> names. Refuses versions
/// it does not know with <see cref="UnsupportedInboundEventVersionException"/>, and anything unreadable with
/// <see cref="InvalidInboundMessageException"/>; the consumer lets those throw, so Service Bus dead-letters the message
/// after its delivery count.
/// </summary>
public sealed class InboundMessageReader(ClaimCheckStore claimChecks)
{
    public static IReadOnlyList<int> KnownVersions { get; } = [InboundEvent.CurrentVersion];

    public Task<InboundEvent> Read(ServiceBusReceivedMessage message, CancellationToken ct) =>
        Read(message.Body, message.ApplicationProperties, ct);

    /// <param name="body">The message body.</param>
    /// <param name="applicationProperties">
    /// The message's application properties: as the SDK gives them (<see cref="int"/>, <see cref="string"/>, …) or as
    /// the Functions worker does (<see cref="JsonElement"/> values).
    /// </param>
    public async Task<InboundEvent> Read(BinaryData body, IReadOnlyDictionary<string, object> applicationProperties, CancellationToken ct)
    {
        var declaredVersion = Version(applicationProperties);
        if (declaredVersion is { } known) EnsureKnown(known);

        var claimCheck = ClaimCheck(applicationProperties);
        var json = claimCheck is null ? body : await claimChecks.Get(claimCheck, ct);

        InboundEvent? inboundEvent;
        try
        {
            // Refuse before mapping: a newer version may not even deserialise into this shape.
            var version = declaredVersion ?? VersionInBody(json);
            EnsureKnown(version);
            inboundEvent = JsonSerializer.Deserialize<InboundEvent>(json.ToMemory().Span, InboxJson.Storage);
        }
        catch (JsonException e)
        {
            throw new InvalidInboundMessageException("The message body is not an inbound event's JSON: " + e.Message, e);
        }

        if (inboundEvent is null) throw new InvalidInboundMessageException("The message body is JSON null.");
        if (declaredVersion is { } v && inboundEvent.Version != v)
            throw new InvalidInboundMessageException($"The message says version {v} but its event says version {inboundEvent.Version}.");
        return inboundEvent;
    }

    private static void EnsureKnown(int version)
    {
        if (!KnownVersions.Contains(version)) throw new UnsupportedInboundEventVersionException(version);
    }

    private static int? Version(IReadOnlyDictionary<string, object> properties)
    {
        if (!properties.TryGetValue(InboundMessageFormat.VersionProperty, out var value)) return null;
        return value switch
        {
            int i => i,
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            short s => s,
            byte b => b,
            string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
            JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var i) => i,
            JsonElement { ValueKind: JsonValueKind.String } e when int.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
            _ => throw new InvalidInboundMessageException($"The '{InboundMessageFormat.VersionProperty}' property is not an integer: {value}."),
        };
    }

    private static string? ClaimCheck(IReadOnlyDictionary<string, object> properties)
    {
        if (!properties.TryGetValue(InboundMessageFormat.ClaimCheckProperty, out var value)) return null;
        var name = value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        };
        return string.IsNullOrEmpty(name)
            ? throw new InvalidInboundMessageException($"The '{InboundMessageFormat.ClaimCheckProperty}' property is not a blob name: {value}.")
            : name;
    }

    /// <summary>A message without the version property (none of ours): the event's own field, 1 when absent.</summary>
    private static int VersionInBody(BinaryData json)
    {
        using var document = JsonDocument.Parse(json.ToMemory());
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new InvalidInboundMessageException("The message body is not a JSON object.");
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!property.NameEquals("version")) continue;
            return property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var version)
                ? version
                : throw new InvalidInboundMessageException("The event's version is not an integer.");
        }

        return InboundEvent.CurrentVersion;
    }
}
