namespace InboxServerless.Core.Rules;

/// <summary>What the channel preview shows besides the reply itself: the sender as a mail client shows it, and a sample.</summary>
public static class EmailPreviewRules
{
    /// <summary>A short reply the preview fills with the signature, as a real one would be sent.</summary>
    public const string SampleText = "Hello,\n\nThanks for your message. We are looking into it and will get back to you shortly.";

    /// <summary>
    /// The sender as the contact's mail client shows it: "Jane Doe at Contoso &lt;help@contoso.com&gt;", or the address
    /// alone without a from-name (Office 365 sends as the mailbox, which shows its own display name).
    /// </summary>
    public static string From(string address, string? fromName) =>
        string.IsNullOrWhiteSpace(fromName) ? address.Trim() : $"{fromName.Trim()} <{address.Trim()}>";
}
