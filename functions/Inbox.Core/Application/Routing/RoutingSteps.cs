using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Application.Routing;

// What the steps of RouteInboundEvent (Routing/Activities/) take and return: an activity's input and output travel as JSON.

public sealed record RouteRequest(InboundEvent Event, RouteTarget Target);

/// <summary>The thread an event belongs to, and its conversation if it exists (with the ETag to update it by).</summary>
public sealed record FoundThread(string ConversationId, string ThreadKey, Conversation? Existing, string? ETag);

public sealed record AppendRequest(InboundEvent Event, RouteTarget Target, FoundThread Thread, string? ContactId);

public sealed record Appended(Conversation Conversation, bool IsNewConversation, bool IsNewMessage);

public sealed record ConversationRef(RouteTarget Target, string ConversationId);

public sealed record TicketOutcome(string? TicketId, string? Note);
