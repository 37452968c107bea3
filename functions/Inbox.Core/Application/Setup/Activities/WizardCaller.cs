using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Application.Setup.Activities;

/// <summary>Who the wizard's activities act as.</summary>
internal static class WizardCaller
{
    /// <summary>The handshake carries no user; an admin acting for the wizard the admin confirmed.</summary>
    public const string Handshake = "setup-wizard";

    /// <summary>The admin who confirmed (or started) the wizard; the API checked the role when the step was submitted.</summary>
    public static Caller OnBehalfOf(string accountId, string userId) => new(accountId, userId, new HashSet<Role> { Role.Member, Role.AccountAdmin });
}
