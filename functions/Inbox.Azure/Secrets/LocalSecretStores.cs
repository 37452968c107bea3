using System.Collections.Concurrent;
using System.Text;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Secrets;

/// <summary>Secrets in memory, for tests and a dev host that may forget them on restart. Names compare without case, as in Key Vault.</summary>
public sealed class InMemorySecretStore : ISecretStore
{
    private readonly ConcurrentDictionary<string, string> secrets = new(StringComparer.OrdinalIgnoreCase);

    public Task<string?> Get(string name, CancellationToken ct) =>
        Task.FromResult(secrets.TryGetValue(SecretNames.Checked(name), out var value) ? value : null);

    public Task Set(string name, string value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(value);
        secrets[SecretNames.Checked(name)] = value;
        return Task.CompletedTask;
    }

    public Task<bool> Delete(string name, CancellationToken ct) => Task.FromResult(secrets.TryRemove(SecretNames.Checked(name), out _));
}

/// <summary>
/// Secrets for the dev host: one file per secret, <c>{folder}/{name in lower case}.secret</c>, holding the value as
/// UTF-8, readable by the owner only (mode 600, the folder 700, where the OS has Unix modes). Values are in clear text
/// on the disk: for development only. Writes go to a temporary file that then replaces the old one, so a reader never
/// sees half a value.
/// </summary>
public sealed class FileSecretStore : ISecretStore
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string folder;

    public FileSecretStore(string folder)
    {
        this.folder = Path.GetFullPath(folder);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(this.folder);
        else Directory.CreateDirectory(this.folder, OwnerOnly | UnixFileMode.UserExecute);
    }

    public string Folder => folder;

    public async Task<string?> Get(string name, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllTextAsync(PathOf(name), Encoding.UTF8, ct);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public async Task Set(string name, string value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(value);
        var path = PathOf(name);
        var temporary = Path.Combine(folder, $".{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(new UTF8Encoding(false).GetBytes(value), ct);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // nothing left when the move happened
        }
    }

    public Task<bool> Delete(string name, CancellationToken ct)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    /// <summary>Names are <c>[0-9a-zA-Z-]</c>, so safe as file names; lower case makes them compare without case, as in Key Vault.</summary>
    private string PathOf(string name) => Path.Combine(folder, SecretNames.Checked(name).ToLowerInvariant() + ".secret");
}
