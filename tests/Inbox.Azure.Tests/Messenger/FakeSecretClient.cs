using Azure;
using Azure.Security.KeyVault.Secrets;
using Moq;

namespace InboxServerless.Azure.Tests.Messenger;

/// <summary>
/// A <see cref="SecretClient"/> (its methods are virtual) over a dictionary, with Key Vault's soft delete: a deleted
/// name answers 409 to a set until it is recovered; a name may be "being deleted" for a number of recover attempts.
/// Names compare without case, as in Key Vault. Answers are built with <see cref="SecretModelFactory"/>, the operations and
/// responses are Moq mocks. A stateful fake rather than a mock: the tests take a secret through its life (set, delete, set
/// again, read back) and check what Key Vault would then hold, which a scripted mock could only echo.
/// </summary>
public sealed class FakeSecretClient : SecretClient
{
    private static readonly Uri Vault = new("https://inbox-test.vault.azure.net/");

    public Dictionary<string, string> Active { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, string> Deleted { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<string> Calls { get; } = [];

    /// <summary>How many more recover calls answer 409 ("currently being deleted").</summary>
    public int StillDeleting { get; set; }

    public override Task<Response<KeyVaultSecret>> GetSecretAsync(string name, string? version = null, CancellationToken cancellationToken = default)
    {
        Calls.Add($"get {name}");
        return Active.TryGetValue(name, out var value)
            ? Task.FromResult(Response.FromValue(Secret(name, value), Ok()))
            : throw new RequestFailedException(404, $"A secret with (name/id) {name} was not found in this key vault.", "SecretNotFound", null);
    }

    public override Task<Response<KeyVaultSecret>> SetSecretAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        Calls.Add($"set {name}");
        if (Deleted.ContainsKey(name))
            throw new RequestFailedException(409, $"Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused.", "Conflict", null);
        Active[name] = value;
        return Task.FromResult(Response.FromValue(Secret(name, value), Ok()));
    }

    public override Task<DeleteSecretOperation> StartDeleteSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        Calls.Add($"delete {name}");
        if (!Active.Remove(name, out var value))
            throw new RequestFailedException(404, $"A secret with (name/id) {name} was not found in this key vault.", "SecretNotFound", null);
        Deleted[name] = value;
        return Task.FromResult(Deleting(name));
    }

    public override Task<RecoverDeletedSecretOperation> StartRecoverDeletedSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        Calls.Add($"recover {name}");
        if (StillDeleting > 0)
        {
            StillDeleting--;
            throw new RequestFailedException(409, $"Secret {name} is currently being deleted.", "ObjectIsBeingDeleted", null);
        }

        if (!Deleted.Remove(name, out var value))
            throw new RequestFailedException(404, $"A deleted secret with (name/id) {name} was not found.", "SecretNotFound", null);
        Active[name] = value;
        return Task.FromResult(Recovering(name));
    }

    private static KeyVaultSecret Secret(string name, string value) =>
        SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(new Uri(Vault, $"secrets/{name}/1"), Vault, name, "1"), value);

    private static Response Ok() => Mock.Of<Response>(r => r.Status == 200);

    /// <summary>A delete that has completed; waiting for it is logged, so a test sees that the store waits.</summary>
    private DeleteSecretOperation Deleting(string name)
    {
        var operation = new Mock<DeleteSecretOperation>();
        operation.Setup(o => o.WaitForCompletionAsync(It.IsAny<CancellationToken>()))
            .Callback(() => Calls.Add($"deleted {name}"))
            .ReturnsAsync(Response.FromValue(SecretModelFactory.DeletedSecret(SecretModelFactory.SecretProperties(name: name), name), Ok()));
        return operation.Object;
    }

    private RecoverDeletedSecretOperation Recovering(string name)
    {
        var operation = new Mock<RecoverDeletedSecretOperation>();
        operation.Setup(o => o.WaitForCompletionAsync(It.IsAny<CancellationToken>()))
            .Callback(() => Calls.Add($"recovered {name}"))
            .ReturnsAsync(Response.FromValue(SecretModelFactory.SecretProperties(name: name), Ok()));
        return operation.Object;
    }
}
