using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>A subscription Graph created: its id and when it lapses (Graph may shorten what was asked).</summary>
public sealed record GraphSubscriptionCreated(string Id, DateTimeOffset ExpiresAt);

/// <summary>
/// The Office 365 mailbox upkeep Microsoft Graph does for us, with the app's credential in the mailbox's tenant. Graph's
/// refusals are problems: not granted (the tenant's admin has not consented to Mail.Read and Mail.Send) and no such
/// mailbox are <see cref="ProblemKind.Invalid"/> and say what to grant; a subscription Graph no longer knows is
/// <see cref="ProblemKind.NotFound"/>; Graph out of reach is <see cref="ProblemKind.Unavailable"/>.
/// </summary>
public interface IGraphMailboxes
{
    /// <summary>Reads the mailbox's inbox folder: proves the grant reaches the mailbox.</summary>
    Task<Outcome<bool>> CheckMailbox(string tenantId, string address, CancellationToken ct);

    /// <summary>Subscribes to new messages in the mailbox's inbox (<c>changeType: created</c>).</summary>
    Task<Outcome<GraphSubscriptionCreated>> Subscribe(string tenantId, string address, string clientState, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Renews (PATCH <c>expirationDateTime</c>), which also reauthorizes it; the new expiry.</summary>
    Task<Outcome<DateTimeOffset>> Renew(string tenantId, string subscriptionId, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Deletes it; <c>false</c> when Graph knew it no longer.</summary>
    Task<Outcome<bool>> Unsubscribe(string tenantId, string subscriptionId, CancellationToken ct);
}
