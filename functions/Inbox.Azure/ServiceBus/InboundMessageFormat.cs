using System.Text.Json;
using Azure.Messaging.ServiceBus;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;

namespace InboxServerless.Azure.ServiceBus;

/// <summary>
/// How an <see cref="InboundEvent"/> travels as a Service Bus message: the event's JSON as the body
/// (<c>application/json</c>, <see cref="Core.Json.InboxJson.Storage"/>), its version as the application property
/// <see cref="VersionProperty"/>, <see cref="InboundEvent.MessageId"/> as the message id (duplicate detection) and
/// <see cref="SessionId"/> of <see cref="InboundEvent.SessionKey"/> as the session. An event too large for a message
/// is a claim check: the application property <see cref="ClaimCheckProperty"/> names the blob that holds the JSON, and
/// the body is only a small JSON note of the same name.
/// </summary>
public static class InboundMessageFormat
{
    public const string ContentType = "application/json";
    public const string VersionProperty = "version";
    public const string ClaimCheckProperty = "claimCheck";

    /// <summary>Service Bus refuses a session id longer than this.</summary>
    public const int MaxSessionIdLength = 128;

    /// <summary>
    /// The session of an event: its <see cref="InboundEvent.SessionKey"/> when that fits Service Bus' 128 characters,
    /// else a digest of it (the key always holds a '|', which a digest never does, so the two forms cannot meet).
    /// </summary>
    public static string SessionId(InboundEvent inboundEvent) =>
        inboundEvent.SessionKey.Length <= MaxSessionIdLength ? inboundEvent.SessionKey : StableId.From("session", inboundEvent.SessionKey);

    /// <summary>The event's JSON, as the body carries it (or its claim-check blob holds it).</summary>
    public static BinaryData Body(InboundEvent inboundEvent) =>
        new(JsonSerializer.SerializeToUtf8Bytes(inboundEvent, InboxJson.Storage));

    /// <summary>The message for an event: <paramref name="body"/> is its <see cref="Body"/>, or a claim-check note.</summary>
    public static ServiceBusMessage Message(InboundEvent inboundEvent, BinaryData body) => new(body)
    {
        MessageId = inboundEvent.MessageId,
        SessionId = SessionId(inboundEvent),
        ContentType = ContentType,
        ApplicationProperties = { [VersionProperty] = inboundEvent.Version },
    };
}

/// <summary>A message that cannot be read as an inbound event: it will not get better on redelivery.</summary>
public class InvalidInboundMessageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A message of an event version this build does not know (a newer writer, or a corrupt property).</summary>
public sealed class UnsupportedInboundEventVersionException(int version)
    : InvalidInboundMessageException($"Inbound event version {version} is not supported; this build reads version(s) {string.Join(", ", InboundMessageReader.KnownVersions)}.")
{
    public int Version { get; } = version;
}
