namespace InboxServerless.Core.Domain;

/// <summary>
/// A Microsoft Graph change-notification subscription on an Office 365 channel's inbox, as we keep it: which channel it
/// feeds, the tenant whose admin granted the app, when Graph lets it lapse, and where reading the mailbox stands (the
/// delta link of the last catch-up, the last notification and catch-up), so the timer can renew it and catch up a
/// mailbox that went quiet. Its clientState is a secret, never here.
/// </summary>
/// <param name="Id">Graph's subscription id.</param>
public sealed record MailboxSubscription(
    string Id,
    string AccountId,
    string InboxId,
    string ChannelId,
    string Address,
    string TenantId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    public string? DeltaLink { get; init; }
    public DateTimeOffset? LastNotificationAt { get; init; }
    public DateTimeOffset? LastCatchUpAt { get; init; }

    /// <summary>The channel's binding key (<c>email:&lt;address&gt;</c>), as its events carry it.</summary>
    public string BindingKey => new ChannelBindingKey(ChannelKind.Email, Address.Trim()).Value;

    /// <summary>The last time we heard of the mailbox or read it through: a quiet mailbox since then may have missed mail.</summary>
    public DateTimeOffset LastHeardAt =>
        new[] { CreatedAt, LastNotificationAt ?? CreatedAt, LastCatchUpAt ?? CreatedAt }.Max();
}
