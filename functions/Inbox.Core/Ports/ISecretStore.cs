namespace InboxServerless.Core.Ports;

/// <summary>
/// Secrets the product keeps for its channels (page access tokens, …): Key Vault in Azure, a local store on the dev
/// host; never Cosmos DB. Names are Key Vault's: 1 to 127 characters of <c>[0-9a-zA-Z-]</c>, compared without regard
/// to case. A name outside that set is a programming error (<see cref="ArgumentException"/>).
/// </summary>
public interface ISecretStore
{
    /// <returns><c>null</c> when there is no such secret.</returns>
    Task<string?> Get(string name, CancellationToken ct);

    /// <summary>Creates the secret or replaces its value.</summary>
    Task Set(string name, string value, CancellationToken ct);

    /// <returns><c>false</c> when there was nothing to delete.</returns>
    Task<bool> Delete(string name, CancellationToken ct);
}
