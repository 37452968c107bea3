using Azure.Storage.Blobs;
using InboxServerless.Azure.Attachments;
using InboxServerless.Core.Ports;
using InboxServerless.Local;

namespace InboxServerless.DevHost;

/// <summary>
/// The dev host's attachment store when no <c>Attachments</c> storage is named: the real blob adapter on an Azurite of its
/// own, started on the first attachment (most local runs and end-to-end tests store none, and pay nothing) and stopped
/// with the host.
/// </summary>
public sealed class LocalAttachmentStore : IAttachmentStore, IAsyncDisposable
{
    private readonly SemaphoreSlim starting = new(1, 1);
    private AzuriteEmulator? emulator;
    private BlobAttachmentStore? store;

    public Task Put(string accountId, string inboxId, string attachmentId, AttachmentContent content, CancellationToken ct) =>
        Use(s => s.Put(accountId, inboxId, attachmentId, content, ct), ct);

    public Task<StoredAttachment?> Open(string accountId, string inboxId, string attachmentId, CancellationToken ct) =>
        Use(s => s.Open(accountId, inboxId, attachmentId, ct), ct);

    public async ValueTask DisposeAsync()
    {
        if (emulator is not null) await emulator.DisposeAsync();
        starting.Dispose();
    }

    private async Task<T> Use<T>(Func<BlobAttachmentStore, Task<T>> call, CancellationToken ct) => await call(await Store(ct));

    private async Task Use(Func<BlobAttachmentStore, Task> call, CancellationToken ct) => await call(await Store(ct));

    private async Task<BlobAttachmentStore> Store(CancellationToken ct)
    {
        if (store is not null) return store;
        await starting.WaitAsync(ct);
        try
        {
            if (store is null)
            {
                emulator = await AzuriteEmulator.Start();
                store = new BlobAttachmentStore(
                    new BlobContainerClient(emulator.ConnectionString, AttachmentStoreOptions.DefaultContainerName),
                    TimeSpan.FromSeconds(30));
            }

            return store;
        }
        finally
        {
            starting.Release();
        }
    }
}
