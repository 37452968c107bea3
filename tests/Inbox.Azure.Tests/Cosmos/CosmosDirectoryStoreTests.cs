using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Domain;

namespace InboxServerless.Azure.Tests.Cosmos;

[Collection(CosmosCollection.Name)]
public sealed class CosmosDirectoryStoreTests(CosmosFixture cosmos) : IDisposable
{
    private readonly CosmosContainers containers = cosmos.NewDatabase();

    public void Dispose() => containers.Dispose();

    [Fact]
    public async Task Users_and_teams_are_saved_per_account_and_saving_again_replaces()
    {
        var store = new CosmosDirectoryStore(containers);
        await store.Save(new User("ann", "acme", "Ann Lee", "ann@acme.test", HasPaidSeat: false, IsSuperAdmin: false), default);
        await store.Save(new User("ann", "acme", "Ann Lee", "ann@acme.test", HasPaidSeat: true, IsSuperAdmin: false), default);
        await store.Save(new Team("support", "acme", "Support", ["ann"]), default);
        await store.Save(new User("bob", "globex", "Bob", "bob@globex.test", true, false), default);

        var acme = await store.Load("acme", default);

        var ann = Assert.Single(acme.Users);
        Assert.True(ann.HasPaidSeat);
        Assert.Equal(["ann"], Assert.Single(acme.Teams).MemberIds);
        Assert.Empty((await store.Load("nobody", default)).Users);
    }
}
