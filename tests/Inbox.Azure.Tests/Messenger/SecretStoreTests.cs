using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Messenger;

public sealed class KeyVaultSecretStoreTests
{
    private readonly FakeSecretClient client = new();
    private readonly List<TimeSpan> waits = [];

    private KeyVaultSecretStore Store() => new(client, (d, _) =>
    {
        waits.Add(d);
        return Task.CompletedTask;
    });

    [Fact]
    public async Task A_secret_is_set_read_and_deleted()
    {
        var store = Store();

        await store.Set("messenger-page-123", "page-token", CancellationToken.None);
        Assert.Equal("page-token", await store.Get("messenger-page-123", CancellationToken.None));
        Assert.Equal("page-token", await store.Get("Messenger-Page-123", CancellationToken.None)); // Key Vault ignores case

        Assert.True(await store.Delete("messenger-page-123", CancellationToken.None));
        Assert.Null(await store.Get("messenger-page-123", CancellationToken.None));
        Assert.False(await store.Delete("messenger-page-123", CancellationToken.None));
        Assert.Contains("deleted messenger-page-123", client.Calls); // the delete is awaited to its end
    }

    [Fact]
    public async Task A_missing_secret_is_null()
    {
        Assert.Null(await Store().Get("messenger-page-404", CancellationToken.None));
    }

    [Fact]
    public async Task Setting_a_soft_deleted_name_recovers_it_then_sets_the_new_value()
    {
        var store = Store();
        await store.Set("messenger-page-123", "old-token", CancellationToken.None);
        await store.Delete("messenger-page-123", CancellationToken.None);
        client.Calls.Clear();

        await store.Set("messenger-page-123", "new-token", CancellationToken.None);

        Assert.Equal(["set messenger-page-123", "recover messenger-page-123", "recovered messenger-page-123", "set messenger-page-123"], client.Calls);
        Assert.Equal("new-token", await store.Get("messenger-page-123", CancellationToken.None));
        Assert.Empty(waits);
    }

    [Fact]
    public async Task A_name_still_being_deleted_is_waited_for()
    {
        var store = Store();
        await store.Set("messenger-page-123", "old-token", CancellationToken.None);
        await store.Delete("messenger-page-123", CancellationToken.None);
        client.StillDeleting = 2;

        await store.Set("messenger-page-123", "new-token", CancellationToken.None);

        Assert.Equal(2, waits.Count);
        Assert.Equal("new-token", client.Active["messenger-page-123"]);
    }

    [Fact]
    public async Task A_name_that_stays_deleted_fails_after_a_few_tries()
    {
        var store = Store();
        await store.Set("messenger-page-123", "old-token", CancellationToken.None);
        await store.Delete("messenger-page-123", CancellationToken.None);
        client.StillDeleting = int.MaxValue;

        var failure = await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => store.Set("messenger-page-123", "new", CancellationToken.None));

        Assert.Equal(409, failure.Status);
        Assert.Equal(5, waits.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("messenger_page_1")]
    [InlineData("../etc/passwd")]
    [InlineData("page token")]
    [InlineData("é")]
    public async Task Names_key_vault_would_refuse_are_refused_before_any_call(string name)
    {
        var store = Store();

        await Assert.ThrowsAsync<ArgumentException>(() => store.Get(name, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Set(name, "v", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Delete(name, CancellationToken.None));
        Assert.Empty(client.Calls);
    }

    [Fact]
    public void Names_are_at_most_127_characters()
    {
        Assert.True(SecretNames.IsValid(new string('a', 127)));
        Assert.False(SecretNames.IsValid(new string('a', 128)));
        Assert.Equal(79, SecretNames.MessengerPageToken(new string('a', 200), new string('b', 200)).Length);
    }
}

public sealed class LocalSecretStoreTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "inbox-secrets-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    public static TheoryData<string> Kinds => ["file", "memory"];

    private ISecretStore Store(string kind) => kind == "file" ? new FileSecretStore(folder) : new InMemorySecretStore();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_secret_is_set_replaced_read_and_deleted(string kind)
    {
        var store = Store(kind);

        Assert.Null(await store.Get("messenger-page-1", CancellationToken.None));
        await store.Set("messenger-page-1", "first", CancellationToken.None);
        await store.Set("Messenger-Page-1", "second ✓", CancellationToken.None);

        Assert.Equal("second ✓", await store.Get("messenger-page-1", CancellationToken.None));
        Assert.True(await store.Delete("MESSENGER-PAGE-1", CancellationToken.None));
        Assert.Null(await store.Get("messenger-page-1", CancellationToken.None));
        Assert.False(await store.Delete("messenger-page-1", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Names_outside_key_vaults_set_are_refused(string kind)
    {
        var store = Store(kind);

        await Assert.ThrowsAsync<ArgumentException>(() => store.Set("../outside", "v", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Get("a/b", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Delete("a.b", CancellationToken.None));
    }

    [Fact]
    public async Task Files_outlive_the_store_are_owner_only_and_leave_no_temporary_files()
    {
        await new FileSecretStore(folder).Set("messenger-page-1", "page-token", CancellationToken.None);

        Assert.Equal("page-token", await new FileSecretStore(folder).Get("messenger-page-1", CancellationToken.None));
        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.Equal("messenger-page-1.secret", Path.GetFileName(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }
    }
}
