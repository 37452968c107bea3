using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Domain;

namespace InboxServerless.Azure.Tests.Cosmos;

/// <summary>Graph subscriptions in the Cosmos emulator: the webhook's point read, a channel's lookup, the timer's listing.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosMailboxSubscriptionStoreTests(CosmosFixture cosmos) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly CosmosContainers containers = cosmos.NewDatabase();

    public void Dispose() => containers.Dispose();

    private CosmosMailboxSubscriptionStore Store => new(containers);

    private static MailboxSubscription Subscription(string id, string account = "acc", string channel = "ch-1") =>
        new(id, account, "inbox-1", channel, "support@contoso.test", "tenant", T0, T0.AddDays(7))
        {
            DeltaLink = "https://graph.microsoft.com/v1.0/users/support@contoso.test/mailFolders/inbox/messages/delta()?$deltatoken=abc",
            LastNotificationAt = T0.AddMinutes(3),
        };

    [Fact]
    public async Task Kept_found_by_id_and_by_channel_listed_and_deleted()
    {
        var first = Subscription(Guid.NewGuid().ToString());
        var other = Subscription(Guid.NewGuid().ToString(), channel: "ch-2");
        var elsewhere = Subscription(Guid.NewGuid().ToString(), account: "another");
        foreach (var s in new[] { first, other, elsewhere }) await Store.Put(s, default);

        Assert.Equal(first, await Store.Find(first.Id, default));
        Assert.Null(await Store.Find(Guid.NewGuid().ToString(), default));
        Assert.Equal([first], await Store.FindByChannel("acc", "ch-1", default));
        Assert.Equal(3, (await Store.List(default)).Count);

        await Store.Put(first with { ExpiresAt = T0.AddDays(8), LastCatchUpAt = T0.AddHours(1) }, default);
        Assert.Equal(T0.AddDays(8), (await Store.Find(first.Id, default))!.ExpiresAt);

        Assert.True(await Store.Delete(first.Id, default));
        Assert.False(await Store.Delete(first.Id, default));
        Assert.Empty(await Store.FindByChannel("acc", "ch-1", default));
    }
}
