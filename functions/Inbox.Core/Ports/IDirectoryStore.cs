using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

/// <summary>The users and teams of an account.</summary>
public interface IDirectoryStore
{
    Task<AccountDirectory> Load(string accountId, CancellationToken ct);

    Task<User> Save(User user, CancellationToken ct);

    Task<Team> Save(Team team, CancellationToken ct);
}
