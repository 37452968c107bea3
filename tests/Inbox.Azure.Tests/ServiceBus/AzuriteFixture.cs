using Azure.Storage.Blobs;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Local;

namespace InboxServerless.Azure.Tests.ServiceBus;

/// <summary>One Azurite process for the whole test run; each test takes a container of its own.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteEmulator? emulator;

    public AzuriteEmulator Emulator => emulator ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => emulator = await AzuriteEmulator.Start();

    public async Task DisposeAsync()
    {
        if (emulator is not null) await emulator.DisposeAsync();
    }

    /// <summary>A claim-check store on a container that does not exist yet: the store creates it on first write.</summary>
    public ClaimCheckStore NewClaimChecks() =>
        new(new BlobContainerClient(Emulator.ConnectionString, "claim-checks-" + Guid.NewGuid().ToString("N")[..12]));
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
