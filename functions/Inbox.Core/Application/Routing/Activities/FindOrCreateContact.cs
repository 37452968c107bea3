using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>The sender of a new conversation as a contact: found, or made when the channel makes contacts.</summary>
public sealed class FindOrCreateContact(IContactStore contacts, TimeProvider clock) : DurableActivity<RouteRequest, string?>
{
    /// <returns>The contact's id; <c>null</c> for an unknown sender on a channel that makes no contacts.</returns>
    public override async Task<string?> Run(RouteRequest request, CancellationToken ct)
    {
        var (e, target) = request;
        var key = ThreadRules.ContactKeyOf(e, target.ExternalId);
        var id = key.ContactId(target.AccountId);
        if (await contacts.Find(target.AccountId, id, ct) is { } known) return known.Id;
        if (!target.Routing.CreateContacts) return null;
        var contact = new Contact(id, target.AccountId, [key.Value], e.Sender.Email, e.Sender.Name, null, clock.GetUtcNow());
        return (await contacts.CreateOrGet(contact, ct)).Id;
    }
}
