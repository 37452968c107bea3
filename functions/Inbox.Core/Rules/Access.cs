using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>Who may see and change what. Every check starts with the account: nothing crosses accounts.</summary>
public static class Access
{
    /// <summary>Admins see every inbox of their account; others see the inboxes they are members of.</summary>
    public static bool CanSee(Caller caller, Inbox inbox, AccountDirectory directory) =>
        caller.AccountId == inbox.AccountId && (caller.IsAdmin || inbox.Members.Includes(caller.UserId, directory));

    /// <summary>Setting inboxes up and editing them is for account admins (super admins included).</summary>
    public static bool CanAdminister(Caller caller, string accountId) => caller.AccountId == accountId && caller.IsAdmin;

    /// <summary>Working an inbox's conversations is for its members; a super admin acts only where it is a member.</summary>
    public static bool CanAct(Caller caller, Inbox inbox, AccountDirectory directory) =>
        caller.AccountId == inbox.AccountId && inbox.Members.Includes(caller.UserId, directory);
}
