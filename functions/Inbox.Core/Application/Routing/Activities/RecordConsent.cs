using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>Records a contact's answer to the consent question (<see cref="InboundEventRules.ConsentAnswer"/>).</summary>
public sealed class RecordConsent(IContactStore contacts) : DurableActivity<RouteRequest, bool>
{
    /// <returns><c>true</c> when the contact's consent changed.</returns>
    public override async Task<bool> Run(RouteRequest request, CancellationToken ct)
    {
        var (e, target) = request;
        var answer = InboundEventRules.ConsentAnswer(e);
        if (answer is null) return false;
        var contactId = ThreadRules.ContactKeyOf(e, target.ExternalId).ContactId(target.AccountId);
        if (await contacts.Find(target.AccountId, contactId, ct) is not { Consent: not null } contact || contact.Consent == answer) return false;
        await contacts.Save(contact with { Consent = answer }, ct);
        return true;
    }
}
