using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;
using User = InboxServerless.Core.Domain.User;

namespace InboxServerless.Azure.Cosmos;

/// <summary>Users and teams in <c>directory</c>, partitioned by account; one query reads an account's whole directory.</summary>
public sealed class CosmosDirectoryStore(CosmosContainers containers) : IDirectoryStore
{
    internal sealed record DirectoryDocument(string Id, string AccountId, string Type, User? User = null, Team? Team = null);

    public async Task<AccountDirectory> Load(string accountId, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Directory);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.accountId = @accountId").WithParameter("@accountId", accountId);
        var documents = await container.ReadAll<DirectoryDocument>(query, accountId, ct);
        List<User> users = [.. documents.Select(d => d.User).OfType<User>()];
        List<Team> teams = [.. documents.Select(d => d.Team).OfType<Team>()];
        return new AccountDirectory(users, teams);
    }

    public async Task<User> Save(User user, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Directory);
        await container.UpsertItemAsync(new DirectoryDocument($"user:{user.Id}", user.AccountId, "user", User: user),
            new PartitionKey(user.AccountId), cancellationToken: ct);
        return user;
    }

    public async Task<Team> Save(Team team, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Directory);
        await container.UpsertItemAsync(new DirectoryDocument($"team:{team.Id}", team.AccountId, "team", Team: team),
            new PartitionKey(team.AccountId), cancellationToken: ct);
        return team;
    }
}
