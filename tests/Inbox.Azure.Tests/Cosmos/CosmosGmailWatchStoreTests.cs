using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Cosmos;

/// <summary>Gmail watches and consent nonces in the Cosmos emulator, beside the channel bindings they share a container with.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosGmailWatchStoreTests(CosmosFixture cosmos) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private readonly CosmosContainers containers = cosmos.NewDatabase();

    public void Dispose() => containers.Dispose();

    private CosmosGmailWatchStore Store => new(containers);

    private static GmailWatch Watch(string account, string channel, string historyId = "1000") =>
        new(account, "in-1", channel, $"{channel}@contoso.com", historyId, Now.AddDays(7), Now);

    [Fact]
    public async Task A_watch_is_saved_found_replaced_only_as_read_listed_with_the_others_and_deleted()
    {
        Assert.True(await Store.Save(Watch("acc-1", "ch-1"), null, default));
        Assert.True(await Store.Save(Watch("acc-2", "ch-2"), null, default));
        var found = await Store.Find("acc-1", "ch-1", default);
        Assert.Equal(Watch("acc-1", "ch-1"), found!.Value);

        Assert.True(await Store.Save(found.Value with { HistoryId = "1005" }, found.ETag, default));
        Assert.False(await Store.Save(found.Value with { HistoryId = "1003" }, found.ETag, default)); // changed since read
        Assert.Equal("1005", (await Store.Find("acc-1", "ch-1", default))!.Value.HistoryId);
        // A binding in the same container is not a watch.
        await new CosmosChannelBindingStore(containers).Claim(new("email:ch-1@contoso.com", "acc-1", "in-1", "ch-1", Now), default);
        Assert.Equal(["ch-1", "ch-2"], (await Store.All(default)).Select(w => w.ChannelId).Order(StringComparer.Ordinal));

        await Store.Delete("acc-1", "ch-1", default);
        await Store.Delete("acc-1", "ch-1", default); // gone already: nothing to do
        Assert.Null(await Store.Find("acc-1", "ch-1", default));
        Assert.Equal(["ch-2"], (await Store.All(default)).Select(w => w.ChannelId));
    }

    [Fact]
    public async Task A_consent_nonce_ends_once_and_only_the_last_one_begun()
    {
        await Store.BeginAuthorization("acc-1", "ch-1", "first", Now.AddMinutes(15), default);
        await Store.BeginAuthorization("acc-1", "ch-1", "second", Now.AddMinutes(15), default);
        Assert.False(await Store.EndAuthorization("acc-1", "ch-1", "first", default));
        Assert.False(await Store.EndAuthorization("acc-2", "ch-1", "second", default));

        var ends = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store.EndAuthorization("acc-1", "ch-1", "second", default)));
        Assert.Single(ends, ended => ended);
        Assert.False(await Store.EndAuthorization("acc-1", "ch-1", "second", default));
    }
}
