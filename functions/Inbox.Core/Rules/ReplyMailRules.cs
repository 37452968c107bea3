using System.Net;
using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>How an agent's e-mail reply is written: who it is from, its subject, its body, and what threads it.</summary>
public static class ReplyMailRules
{
    public const int MaxTextLength = 100_000;

    /// <summary>A thread's <c>References</c> keep its first message and the newest ones (RFC 5322 §3.6.4 allows trimming).</summary>
    public const int MaxReferences = 20;

    /// <summary>
    /// The display name of the reply's sender: "Jane Doe at Contoso" (agent and company) or "Contoso" (company only).
    /// None for Office 365, which sends as the mailbox, nor without a from-name; company only when the agent has no name.
    /// </summary>
    public static string? FromName(EmailChannel channel, User? agent) => channel.FromName switch
    {
        _ when channel.Provider == EmailProvider.Office365 => null,
        null => null,
        { Format: FromNameFormat.AgentAndCompany } name when !string.IsNullOrWhiteSpace(agent?.Name) => $"{agent.Name.Trim()} at {name.CompanyName.Trim()}",
        var name => name.CompanyName.Trim(),
    };

    /// <summary>The conversation's subject as an answer: <c>Re: </c> once, however many the thread already has.</summary>
    public static string Subject(string? subject)
    {
        var topic = (subject ?? "").Trim();
        while (topic.StartsWith("re:", StringComparison.OrdinalIgnoreCase)) topic = topic[3..].TrimStart();
        return topic.Length == 0 ? "Re: (no subject)" : $"Re: {topic}";
    }

    /// <summary>The agent's text as HTML: encoded, its line breaks kept; then the filled signature, when there is one.</summary>
    public static string Html(string text, string signatureHtml)
    {
        var body = string.Join("<br>\n", text.ReplaceLineEndings("\n").Split('\n').Select(WebUtility.HtmlEncode));
        return string.IsNullOrWhiteSpace(signatureHtml) ? $"<div>{body}</div>" : $"<div>{body}</div>\n<br>\n<div>{signatureHtml}</div>";
    }

    /// <summary>The plain-text alternative: the text, then the signature's text after the usual <c>-- </c> separator.</summary>
    public static string PlainText(string text, string signatureText) =>
        string.IsNullOrWhiteSpace(signatureText) ? text : $"{text}\n\n-- \n{signatureText.Trim()}";

    /// <summary>
    /// Our <c>Message-Id</c> for a reply, at the team address's domain: the stored reply's external id too, so an answer
    /// naming it in <c>In-Reply-To</c> joins the conversation (<see cref="ThreadRules.EmailReferences"/>).
    /// </summary>
    public static string MessageId(string uniquePart, string teamAddress)
    {
        var at = teamAddress.LastIndexOf('@');
        var domain = at >= 0 && at < teamAddress.Length - 1 ? teamAddress[(at + 1)..].Trim().ToLowerInvariant() : "inbox.invalid";
        return $"<{uniquePart}@{domain}>";
    }

    /// <summary>
    /// What threads the reply in the contact's mail client: <c>In-Reply-To</c> the newest message the contact sent, and
    /// <c>References</c> every message id of the thread, oldest first (the first and the newest when there are many).
    /// </summary>
    public static (string? InReplyTo, IReadOnlyList<string> References) Thread(IEnumerable<Message> messages, string replyId)
    {
        var ordered = messages.Where(m => m.Id != replyId && IsMessageId(m.ExternalId)).OrderBy(m => m.SentAt).ToList();
        var inReplyTo = ordered.LastOrDefault(m => m.Direction == MessageDirection.Incoming)?.ExternalId;
        List<string> references = [.. ordered.Select(m => m.ExternalId).Distinct()];
        if (references.Count > MaxReferences) references = [references[0], .. references[^(MaxReferences - 1)..]];
        return (inReplyTo, references);
    }

    private static bool IsMessageId(string id) => id.Length > 2 && id[0] == '<' && id[^1] == '>' && id.Contains('@');
}
