using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email;

/// <summary>The HTML we send goes through the sanitiser that cleans the HTML we receive (<see cref="EmailHtml"/>).</summary>
public sealed class MailHtml : IMailHtml
{
    public string Sanitize(string html) => EmailHtml.Sanitize(html) ?? "";

    public string ToText(string html) => HtmlText.ToText(html);
}
