using Azure;
using Azure.Security.KeyVault.Secrets;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Secrets;

/// <summary>
/// Secrets in Azure Key Vault. Key Vault keeps a deleted secret (soft delete) and refuses to set its name again (409)
/// until it is recovered or purged: <see cref="Set"/> recovers it and then sets the new value, so a page disconnected
/// and connected again just works. Needs the secrets permissions get, set, delete and recover
/// (role "Key Vault Secrets Officer").
/// </summary>
public sealed class KeyVaultSecretStore(SecretClient client, Func<TimeSpan, CancellationToken, Task>? delay = null) : ISecretStore
{
    /// <summary>A deleted secret may still be "being deleted" for a few seconds; wait this long between tries, this often.</summary>
    private static readonly TimeSpan RecoverWait = TimeSpan.FromSeconds(2);
    private const int RecoverTries = 5;

    private readonly Func<TimeSpan, CancellationToken, Task> delay = delay ?? ((d, ct) => Task.Delay(d, ct));

    public async Task<string?> Get(string name, CancellationToken ct)
    {
        SecretNames.Checked(name);
        try
        {
            var secret = await client.GetSecretAsync(name, null, ct);
            return secret.Value.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task Set(string name, string value, CancellationToken ct)
    {
        SecretNames.Checked(name);
        ArgumentNullException.ThrowIfNull(value);
        for (var tries = 1; ; tries++)
        {
            try
            {
                await client.SetSecretAsync(name, value, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 409 && tries <= RecoverTries)
            {
                // "Secret … is currently in a deleted but recoverable state" or "… is currently being deleted".
                await Recover(name, ct);
            }
        }
    }

    public async Task<bool> Delete(string name, CancellationToken ct)
    {
        SecretNames.Checked(name);
        try
        {
            var operation = await client.StartDeleteSecretAsync(name, ct);
            // Wait until it is deleted, so that setting the name again finds it in a recoverable state.
            await operation.WaitForCompletionAsync(ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private async Task Recover(string name, CancellationToken ct)
    {
        try
        {
            var operation = await client.StartRecoverDeletedSecretAsync(name, ct);
            await operation.WaitForCompletionAsync(ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 404)
        {
            // Still being deleted (409), or recovered meanwhile by someone else (404): wait, then set again.
            await delay(RecoverWait, ct);
        }
    }
}
