using System.Text.RegularExpressions;
using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What makes a team e-mail channel valid: an address of its own, the name replies are sent from, the signature.</summary>
public static partial class EmailChannelRules
{
    public const int MaxSignatureLength = 10_000;

    public static readonly IReadOnlySet<string> SignatureTokens = new HashSet<string> { "fullName", "firstName" };

    public static void Check(Validation v, EmailChannel email, AccountDirectory directory)
    {
        v.Check(InboxRules.IsEmailAddress(email.Address), "address", "Not an e-mail address.");
        v.Check(!directory.Users.Any(u => string.Equals(u.Email, email.Address.Trim(), StringComparison.OrdinalIgnoreCase)),
            "address", "This address is a user's personal e-mail; a team e-mail must be an address of its own.");
        if (email.Provider == EmailProvider.Office365)
            v.Check(email.FromName is null, "fromName", "A from-name is not available for Office 365: mail is sent as the mailbox. Leave fromName out.");
        else if (email.FromName is not { } fromName)
            v.Add("fromName", "Give the name replies are sent from: {\"format\":\"companyOnly\",\"companyName\":…}.");
        else
        {
            v.Check(!string.IsNullOrWhiteSpace(fromName.CompanyName), "fromName.companyName", "The company name must not be empty.");
            v.CheckCharacters("fromName.companyName", fromName.CompanyName);
        }

        v.Check(email.Signature.Length <= MaxSignatureLength, "signature", $"At most {MaxSignatureLength} characters.");
        foreach (var token in SignatureTokensIn(email.Signature).Where(t => !SignatureTokens.Contains(t)))
            v.Add("signature", $"Unknown token '{{{{{token}}}}}'; use {{{{fullName}}}} or {{{{firstName}}}}.");
    }

    /// <summary>
    /// The signature as <paramref name="agent"/> sends it: <c>{{fullName}}</c> and <c>{{firstName}}</c> filled with the
    /// user's names, HTML-encoded (a name is text, never markup); without a user, the tokens are left out.
    /// </summary>
    public static string FillSignature(string signature, User? agent) => SignatureToken().Replace(signature, m => m.Groups[1].Value switch
    {
        "fullName" => System.Net.WebUtility.HtmlEncode(agent?.Name ?? ""),
        "firstName" => System.Net.WebUtility.HtmlEncode(agent?.FirstName ?? ""),
        _ => "",
    });

    public static IEnumerable<string> SignatureTokensIn(string signature) =>
        SignatureToken().Matches(signature).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\{\{\s*([^}\s]*)\s*\}\}")]
    private static partial Regex SignatureToken();
}
