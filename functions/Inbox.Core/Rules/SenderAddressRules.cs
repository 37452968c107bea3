using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Rules;

/// <summary>
/// Which address a mail leaves from when the product sends it (Azure Communication Services, and the dev host's outbox,
/// which shows what ACS would send). ACS sends only from the domains linked to its resource: the team address when its
/// domain is one of those, otherwise the deployment's sender address with the team address as <c>Reply-To</c>, so the
/// contact's answer still reaches the team.
/// </summary>
public static class SenderAddressRules
{
    /// <summary>
    /// The mail as it leaves: <see cref="OutgoingMail.From"/> kept when its domain is in <paramref name="verifiedDomains"/>;
    /// the product's own mail (no From) from <paramref name="senderAddress"/>; anything else from
    /// <paramref name="senderAddress"/> with <c>Reply-To</c> the original From and its name, unless it had a Reply-To already.
    /// Applying it twice changes nothing.
    /// </summary>
    public static OutgoingMail Choose(OutgoingMail mail, string senderAddress, IReadOnlyCollection<string> verifiedDomains)
    {
        if (mail.From is not { Length: > 0 } from) return mail with { From = senderAddress };
        if (string.Equals(from, senderAddress, StringComparison.OrdinalIgnoreCase) || IsVerified(from, verifiedDomains)) return mail;
        return mail.ReplyTo is { Length: > 0 }
            ? mail with { From = senderAddress }
            : mail with { From = senderAddress, ReplyTo = from, ReplyToName = mail.FromName };
    }

    /// <summary>Whether the address's domain (after its last <c>@</c>) is one of the domains, compared without case.</summary>
    public static bool IsVerified(string address, IReadOnlyCollection<string> verifiedDomains)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1) return false;
        var domain = address[(at + 1)..].Trim();
        return verifiedDomains.Any(d => string.Equals(d.Trim().TrimStart('@'), domain, StringComparison.OrdinalIgnoreCase));
    }
}
