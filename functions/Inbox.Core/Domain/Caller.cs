namespace InboxServerless.Core.Domain;

public enum Role { Member, AccountAdmin, SuperAdmin }

/// <summary>Who is calling, from the authenticated principal: the account it acts in, the user and its roles.</summary>
public sealed record Caller(string AccountId, string UserId, IReadOnlySet<Role> Roles)
{
    public bool IsAdmin => Roles.Contains(Role.AccountAdmin) || Roles.Contains(Role.SuperAdmin);
}
