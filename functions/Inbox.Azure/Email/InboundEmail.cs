using System.Text;
using System.Text.Json;
using InboxServerless.Azure.Json;
using InboxServerless.Core.Domain;
using MimeKit.Text;
using MimeKit.Utils;

namespace InboxServerless.Azure.Email;

/// <summary>
/// An e-mail turned into an inbound event, with its attachments described. The domain's <see cref="Attachment"/> is
/// by reference (a URL), and a mail's attachments travel inside it: the shell stores their bytes (a blob of ours) and
/// adds them to the event with <see cref="EmailAttachment.At"/>.
/// </summary>
/// <param name="HasAttachments">Graph says so even when the message was read without its attachments.</param>
public sealed record InboundEmail(InboundEvent Event, IReadOnlyList<EmailAttachment> Attachments, bool HasAttachments)
{
    /// <summary>
    /// When the mail is a forward: the sender of the original (its embedded <c>message/rfc822</c> part, or the forwarded
    /// header block of its text, <see cref="Core.Rules.ForwardedEmailRules.OriginalSender"/>), for the channel's "log
    /// forwarded e-mail to the original sender".
    /// </summary>
    public InboundSender? ForwardedFrom { get; init; }
}

/// <summary>
/// An attachment as the mail describes it; <paramref name="Size"/> in bytes, decoded. <paramref name="Content"/> holds the
/// decoded bytes when the mail carried them (MIME, Graph's <c>contentBytes</c>), for <see cref="EmailIntake"/> to store.
/// </summary>
public sealed record EmailAttachment(string Name, string ContentType, long Size, bool IsInline = false, BinaryData? Content = null)
{
    /// <summary>The <c>Content-ID</c> (without brackets) the HTML names it by in <c>cid:</c> URLs, when it has one.</summary>
    public string? ContentId { get; init; }

    public Attachment At(string url) => new(Name, ContentType, url);
}

/// <summary>
/// Message ids as the threading rules compare them: <c>&lt;id@host&gt;</c>, brackets included, as Graph's
/// <c>internetMessageId</c> and the <c>In-Reply-To</c>/<c>References</c> headers write them. A reply's references are
/// looked up by this exact text (<see cref="Message.IdFor"/>), so every normaliser writes ids the same way.
/// </summary>
public static class EmailIds
{
    public static string? MessageId(string? header) =>
        string.IsNullOrWhiteSpace(header) ? null : Bracket(MimeUtils.ParseMessageId(header) ?? header.Trim().Trim('<', '>'));

    /// <summary>The ids of a <c>References</c> header, oldest first.</summary>
    public static IReadOnlyList<string> References(string? header) =>
        string.IsNullOrWhiteSpace(header) ? [] : [.. MimeUtils.EnumerateReferences(header).Select(Bracket).Distinct()];

    public static string Bracket(string id) => $"<{id}>";
}

/// <summary>The text of an HTML body, for mails that send no text part: the words, with line breaks where blocks end.</summary>
public static class HtmlText
{
    private static readonly HashSet<HtmlTagId> Breaks =
        [HtmlTagId.Br, HtmlTagId.P, HtmlTagId.Div, HtmlTagId.LI, HtmlTagId.TR, HtmlTagId.H1, HtmlTagId.H2, HtmlTagId.H3,
         HtmlTagId.H4, HtmlTagId.H5, HtmlTagId.H6, HtmlTagId.BlockQuote, HtmlTagId.Table, HtmlTagId.HR];

    // What a browser does not show.
    private static readonly HashSet<HtmlTagId> Hidden = [HtmlTagId.Head, HtmlTagId.Script, HtmlTagId.Style, HtmlTagId.Title];

    public static string ToText(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var hidden = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken { Id: HtmlTagId.Body, IsEndTag: false }:
                    hidden = 0; // the body is shown, even after a head that was never closed
                    break;
                case HtmlTagToken tag when Hidden.Contains(tag.Id):
                    if (!tag.IsEmptyElement) hidden = Math.Max(0, hidden + (tag.IsEndTag ? -1 : 1));
                    break;
                case HtmlTagToken tag when Breaks.Contains(tag.Id) && hidden == 0:
                    if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
                    break;
                case HtmlDataToken data when hidden == 0:
                    AppendCollapsed(text, data.Data);
                    break;
            }
        }

        return text.ToString().Trim();
    }

    /// <summary>HTML source whitespace is not text: runs of it become one space.</summary>
    private static void AppendCollapsed(StringBuilder text, string data)
    {
        foreach (var c in data)
        {
            if (!char.IsWhiteSpace(c) || c == '\u00a0') text.Append(c);
            else if (text.Length > 0 && !char.IsWhiteSpace(text[^1])) text.Append(' ');
        }
    }
}

/// <summary>Graph's JSON, read as every provider's is (<see cref="ProviderJson"/>), and its optional fields.</summary>
internal static class EmailJson
{
    public static Outcome<T> Read<T>(ReadOnlySpan<byte> body, string what, Func<JsonElement, Outcome<T>> read) =>
        ProviderJson.Read(body, "$", what, read);

    public static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    public static string String(JsonElement element, string name) =>
        OptionalString(element, name) is { Length: > 0 } value ? value : throw new FormatException($"'{name}' is missing.");

    public static JsonElement? OptionalObject(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static DateTimeOffset? OptionalTime(JsonElement element, string name) =>
        OptionalString(element, name) is { } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal) : null;
}
