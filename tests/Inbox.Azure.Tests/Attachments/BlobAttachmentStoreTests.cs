using Azure.Storage.Blobs;
using InboxServerless.Azure.Attachments;
using InboxServerless.Azure.Cosmos;
using InboxServerless.Azure.Tests.ServiceBus;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Azure.Tests.Attachments;

/// <summary>The attachment store against Azurite: the blob's name, its metadata, and a redelivery that writes nothing new.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobAttachmentStoreTests(AzuriteFixture azurite)
{
    private readonly BlobAttachmentStore store = new(
        new BlobContainerClient(azurite.Emulator.ConnectionString, "attachments-" + Guid.NewGuid().ToString("N")[..12]), TimeSpan.FromSeconds(30));

    private static readonly AttachmentContent Invoice = new("facture n° 42.pdf", "application/pdf", false, "%PDF-1.4 café"u8.ToArray());

    [Fact]
    public async Task An_attachment_is_stored_under_its_inbox_and_read_back_with_its_name_type_and_bytes()
    {
        var id = AttachmentRules.Id(Invoice);

        await store.Put("acme", "support", id, Invoice, default); // the container does not exist yet: the store makes it
        var read = await store.Open("acme", "support", id, default);

        Assert.NotNull(read);
        await using var content = read.Content;
        using var bytes = new MemoryStream();
        await content.CopyToAsync(bytes);
        Assert.Equal((Invoice.Name, Invoice.ContentType, false, (long)Invoice.Bytes.Length), (read.Name, read.ContentType, read.IsInline, read.Length));
        Assert.Equal(Invoice.Bytes.ToArray(), bytes.ToArray());
        Assert.True(await store.Container.GetBlobClient($"acme/support/{id}").ExistsAsync());
    }

    [Fact]
    public async Task The_same_attachment_written_twice_is_one_blob_written_once()
    {
        var id = AttachmentRules.Id(Invoice);
        await store.Put("acme", "support", id, Invoice, default);
        var first = (await store.Container.GetBlobClient($"acme/support/{id}").GetPropertiesAsync()).Value.ETag;

        await store.Put("acme", "support", id, Invoice, default);

        Assert.Equal(first, (await store.Container.GetBlobClient($"acme/support/{id}").GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task Another_inbox_or_account_does_not_hold_it()
    {
        var id = AttachmentRules.Id(Invoice);
        await store.Put("acme", "support", id, Invoice, default);

        Assert.Null(await store.Open("acme", "sales", id, default));
        Assert.Null(await store.Open("globex", "support", id, default));
    }

    [Fact]
    public async Task A_store_that_does_not_answer_fails_within_its_deadline()
    {
        // Nothing listens on port 9 (discard): the call fails, it does not hang.
        var nowhere = new BlobAttachmentStore(new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/attachments"),
            new BlobClientOptions { Retry = { MaxRetries = 0 } }), TimeSpan.FromSeconds(2));

        var failure = await Record.ExceptionAsync(() => nowhere.Open("acme", "support", AttachmentRules.Id(Invoice), default));

        Assert.True(failure is not null && (StoreFailures.IsOutage(failure) || failure is OperationCanceledException), failure?.ToString());
    }
}
