namespace InboxServerless.Core.Ports;

/// <summary>The HTML of mail we send: made safe to send (the same allow-list as mail we show), and its text alternative.</summary>
public interface IMailHtml
{
    string Sanitize(string html);

    string ToText(string html);
}
