using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Microsoft.Azure.Cosmos;

namespace InboxServerless.Azure.Cosmos;

/// <summary>Contacts in <c>contacts</c>, partitioned by account.</summary>
public sealed class CosmosContactStore(CosmosContainers containers) : IContactStore
{
    internal sealed record ContactDocument(string Id, string AccountId, Contact Contact);

    public async Task<Contact?> Find(string accountId, string contactId, CancellationToken ct) =>
        (await (await containers.Get(CosmosContainers.Contacts)).ReadOrNull<ContactDocument>(contactId, accountId, ct))?.Resource.Contact;

    public async Task<Contact> CreateOrGet(Contact contact, CancellationToken ct)
    {
        var container = await containers.Get(CosmosContainers.Contacts);
        var created = await container.CreateOrGet(new ContactDocument(contact.Id, contact.AccountId, contact), contact.Id, contact.AccountId, ct);
        return created.Resource.Contact;
    }

    public async Task Save(Contact contact, CancellationToken ct) =>
        await (await containers.Get(CosmosContainers.Contacts)).UpsertItemAsync(
            new ContactDocument(contact.Id, contact.AccountId, contact), new PartitionKey(contact.AccountId), cancellationToken: ct);
}
