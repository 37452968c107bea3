using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>
/// "Log forwarded e-mail to the original sender": who a mail an agent forwarded into the inbox is logged against. Mail
/// clients mark a forward in the text with a header block (Gmail, Outlook, Apple Mail and Thunderbird each their own
/// line) followed by the original's <c>From:</c>; a forward as attachment carries the original whole (the MIME reader
/// reads its sender there).
/// </summary>
public static class ForwardedEmailRules
{
    /// <summary>How far below the marker the original's <c>From:</c> may be (Outlook puts it first, Apple Mail first too).</summary>
    private const int HeaderLines = 8;

    /// <summary>
    /// The sender the message is logged against: the original sender when the channel says so, the mail was sent by a
    /// user of the account (an agent forwarding, not a customer whose mail quotes a forward), and the original is someone
    /// else; otherwise <paramref name="sender"/>.
    /// </summary>
    public static InboundSender LoggedSender(EmailChannel channel, InboundSender sender, InboundSender? original, AccountDirectory directory)
    {
        if (!channel.LogForwardedEmailToOriginalSender || original?.Email is not { } originalAddress) return sender;
        if (!SameAddress(originalAddress, sender.Email) && !SameAddress(originalAddress, channel.Address)
            && directory.Users.Any(u => SameAddress(u.Email, sender.Email)))
            return original;
        return sender;
    }

    /// <summary>
    /// The original sender named by the first forwarded header block of a text body ("---------- Forwarded message
    /// ---------", "-----Original Message-----", "Begin forwarded message:"), from its <c>From:</c> line; <c>null</c>
    /// when there is no such block or it names no address.
    /// </summary>
    public static InboundSender? OriginalSender(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!IsMarker(Unquoted(lines[i]))) continue;
            for (var j = i + 1; j < lines.Length && j <= i + HeaderLines; j++)
            {
                var line = Unquoted(lines[j]).Replace("*", "", StringComparison.Ordinal); // Gmail's text bolds the labels
                if (line.StartsWith("From:", StringComparison.OrdinalIgnoreCase)) return Mailbox(line["From:".Length..]);
            }

            return null;
        }

        return null;
    }

    private static bool IsMarker(string line) =>
        line.Equals("Begin forwarded message:", StringComparison.OrdinalIgnoreCase)
        || (line.StartsWith("---", StringComparison.Ordinal) && line.EndsWith("---", StringComparison.Ordinal)
            && line.Trim('-', ' ') is var label
            && (label.Equals("Forwarded message", StringComparison.OrdinalIgnoreCase) || label.Equals("Original Message", StringComparison.OrdinalIgnoreCase)));

    /// <summary>A quoted forward (<c>&gt; </c>) is still one; whitespace and carriage returns are not part of a line.</summary>
    private static string Unquoted(string line) => line.Trim().TrimStart('>').Trim();

    /// <summary><c>Name &lt;address&gt;</c>, <c>Name [mailto:address]</c> (Outlook) or a bare address.</summary>
    internal static InboundSender? Mailbox(string value)
    {
        value = value.Trim();
        string name, address;
        var open = value.LastIndexOf('<');
        var mailto = value.LastIndexOf("[mailto:", StringComparison.OrdinalIgnoreCase);
        if (open >= 0 && value.IndexOf('>', open) is var close and > 0)
            (name, address) = (value[..open], value[(open + 1)..close]);
        else if (mailto >= 0 && value.IndexOf(']', mailto) is var end and > 0)
            (name, address) = (value[..mailto], value[(mailto + "[mailto:".Length)..end]);
        else
            (name, address) = ("", value);

        address = address.Trim();
        if (!IsAddress(address)) return null;
        name = name.Trim().Trim('"', '\'').Trim();
        return new InboundSender(address, name.Length > 0 ? name : null, address);
    }

    private static bool IsAddress(string address) =>
        address.IndexOf('@') is var at && at > 0 && at < address.Length - 1 && address.IndexOf('@', at + 1) < 0
        && !address.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or '"' or ',' or ';' or '[' or ']');

    private static bool SameAddress(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}
