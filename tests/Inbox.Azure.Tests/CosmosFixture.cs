using InboxServerless.Azure.Cosmos;
using InboxServerless.Local;

namespace InboxServerless.Azure.Tests;

/// <summary>One Cosmos emulator process for the whole test run; each test class takes a database of its own.</summary>
public sealed class CosmosFixture : IAsyncLifetime
{
    private CosmosEmulator? emulator;

    public CosmosEmulator Emulator => emulator ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => emulator = await CosmosEmulator.Start();

    public async Task DisposeAsync()
    {
        if (emulator is not null) await emulator.DisposeAsync();
    }

    public CosmosContainers NewDatabase() => new(new CosmosStoreOptions
    {
        ConnectionString = Emulator.ConnectionString,
        Database = "test-" + Guid.NewGuid().ToString("N")[..12],
        UseGateway = true,
        AcceptAnyServerCertificate = true,
    });
}

[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosFixture>
{
    public const string Name = "cosmos";
}
