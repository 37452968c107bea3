using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Ports;

public interface IContactStore
{
    Task<Contact?> Find(string accountId, string contactId, CancellationToken ct);

    /// <summary>Creates the contact, or returns the one created before under the same id.</summary>
    Task<Contact> CreateOrGet(Contact contact, CancellationToken ct);

    /// <summary>Writes the contact as it is (last writer wins: for answers such as consent, the latest is right).</summary>
    Task Save(Contact contact, CancellationToken ct);
}
