using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace InboxServerless.Azure.Tests.Messenger;

/// <summary>
/// A <see cref="SecretClient"/> (its methods are virtual) over a dictionary, with Key Vault's soft delete: a deleted
/// name answers 409 to a set until it is recovered; a name may be "being deleted" for a number of recover attempts.
/// Names compare without case, as in Key Vault. Answers are built with <see cref="SecretModelFactory"/>.
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
            ? Task.FromResult(Response.FromValue(Secret(name, value), new FakeResponse(200)))
            : throw new RequestFailedException(404, $"A secret with (name/id) {name} was not found in this key vault.", "SecretNotFound", null);
    }

    public override Task<Response<KeyVaultSecret>> SetSecretAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        Calls.Add($"set {name}");
        if (Deleted.ContainsKey(name))
            throw new RequestFailedException(409, $"Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused.", "Conflict", null);
        Active[name] = value;
        return Task.FromResult(Response.FromValue(Secret(name, value), new FakeResponse(200)));
    }

    public override Task<DeleteSecretOperation> StartDeleteSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        Calls.Add($"delete {name}");
        if (!Active.Remove(name, out var value))
            throw new RequestFailedException(404, $"A secret with (name/id) {name} was not found in this key vault.", "SecretNotFound", null);
        Deleted[name] = value;
        return Task.FromResult<DeleteSecretOperation>(new Deleting(this, name));
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
        return Task.FromResult<RecoverDeletedSecretOperation>(new Recovering(this, name));
    }

    private static KeyVaultSecret Secret(string name, string value) =>
        SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(new Uri(Vault, $"secrets/{name}/1"), Vault, name, "1"), value);

    private sealed class Deleting(FakeSecretClient client, string name) : DeleteSecretOperation
    {
        public override string Id => name;
        public override bool HasCompleted => true;
        public override bool HasValue => true;
        public override DeletedSecret Value => SecretModelFactory.DeletedSecret(SecretModelFactory.SecretProperties(name: name), name);
        public override Response GetRawResponse() => new FakeResponse(200);

        public override ValueTask<Response<DeletedSecret>> WaitForCompletionAsync(CancellationToken cancellationToken = default)
        {
            client.Calls.Add($"deleted {name}");
            return ValueTask.FromResult(Response.FromValue(Value, GetRawResponse()));
        }
    }

    private sealed class Recovering(FakeSecretClient client, string name) : RecoverDeletedSecretOperation
    {
        public override string Id => name;
        public override bool HasCompleted => true;
        public override bool HasValue => true;
        public override SecretProperties Value => SecretModelFactory.SecretProperties(name: name);
        public override Response GetRawResponse() => new FakeResponse(200);

        public override ValueTask<Response<SecretProperties>> WaitForCompletionAsync(CancellationToken cancellationToken = default)
        {
            client.Calls.Add($"recovered {name}");
            return ValueTask.FromResult(Response.FromValue(Value, GetRawResponse()));
        }
    }
}

public sealed class FakeResponse(int status) : Response
{
    public override int Status => status;
    public override string ReasonPhrase => status == 200 ? "OK" : "";
    public override Stream? ContentStream { get; set; }
    public override string ClientRequestId { get; set; } = Guid.NewGuid().ToString();

    public override void Dispose()
    {
    }

    protected override bool ContainsHeader(string name) => false;

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
    {
        value = null;
        return false;
    }

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        values = null;
        return false;
    }
}
