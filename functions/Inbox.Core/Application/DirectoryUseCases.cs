using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application;

/// <summary>The admin's use cases for the account's users and teams.</summary>
public sealed class DirectoryUseCases(IDirectoryStore directories, IChannelBindingStore bindings)
{
    public async Task<Outcome<AccountDirectory>> Get(Caller caller, CancellationToken ct) =>
        await directories.Load(caller.AccountId, ct);

    public async Task<Outcome<User>> SaveUser(Caller caller, string userId, UserSettings settings, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return InboxUseCases.Forbidden;
        var validation = DirectoryRules.Validate(settings).Check(DirectoryRules.IsValidId(userId), "userId",
            "Ids are 1 to 128 letters, digits, '-', '_' or '.'.");
        if (!validation.IsValid) return Problem.Invalid(validation.Errors);
        // A team e-mail is never also a personal e-mail.
        if (await bindings.Find(new ChannelBindingKey(ChannelKind.Email, settings.Email).Value, ct) is not null)
            return Problem.Invalid("email", "This address is connected as a team e-mail.");
        return await directories.Save(
            new User(userId, caller.AccountId, settings.Name.Trim(), settings.Email.Trim(), settings.HasPaidSeat, settings.IsSuperAdmin), ct);
    }

    public async Task<Outcome<Team>> SaveTeam(Caller caller, string teamId, TeamSettings settings, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return InboxUseCases.Forbidden;
        var validation = DirectoryRules.Validate(settings, await directories.Load(caller.AccountId, ct))
            .Check(DirectoryRules.IsValidId(teamId), "teamId", "Ids are 1 to 128 letters, digits, '-', '_' or '.'.");
        if (!validation.IsValid) return Problem.Invalid(validation.Errors);
        return await directories.Save(new Team(teamId, caller.AccountId, settings.Name.Trim(), settings.MemberIds), ct);
    }
}
