using Ganss.Xss;

namespace InboxServerless.Azure.Email;

/// <summary>
/// The HTML of a mail as we keep it: whatever a sender wrote is shown to agents in the browser, so only what mail needs to
/// look right survives (an allow-list of tags, attributes, URL schemes and CSS properties); nothing runs, nothing posts,
/// nothing changes where relative links point. Policy and reasons: docs/email-intake.md.
/// </summary>
public static class EmailHtml
{
    /// <summary>Past this, the HTML is not kept (the text is): a stored message must fit a Cosmos item, and no mail needs more.</summary>
    public const int MaxChars = 512 * 1024;

    // Forms could post an agent's input to the sender; controls without a form still phish.
    private static readonly string[] Forms =
        ["form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend", "datalist", "output", "meter", "progress"];

    // What HTML mail is styled with, inline (mail clients drop <style> blocks and scripts alike). Positioning is left out:
    // a fixed or absolute box can cover the reading pane with a fake login.
    private static readonly string[] MailCss =
    [
        "background", "background-color", "background-image", "background-position", "background-repeat", "background-size",
        "border", "border-bottom", "border-bottom-color", "border-bottom-style", "border-bottom-width", "border-collapse",
        "border-color", "border-left", "border-left-color", "border-left-style", "border-left-width", "border-radius",
        "border-right", "border-right-color", "border-right-style", "border-right-width", "border-spacing", "border-style",
        "border-top", "border-top-color", "border-top-style", "border-top-width", "border-width",
        "color", "direction", "display", "float", "clear", "font", "font-family", "font-size", "font-style", "font-variant",
        "font-weight", "height", "letter-spacing", "line-height", "list-style", "list-style-type", "list-style-position",
        "margin", "margin-bottom", "margin-left", "margin-right", "margin-top", "max-height", "max-width", "min-height",
        "min-width", "padding", "padding-bottom", "padding-left", "padding-right", "padding-top", "table-layout",
        "text-align", "text-decoration", "text-indent", "text-transform", "vertical-align", "visibility", "white-space",
        "width", "word-break", "word-spacing", "word-wrap", "overflow-wrap",
    ];

    private static readonly HtmlSanitizer Sanitizer = Create();

    /// <summary>
    /// The sanitised HTML; a whole document (<c>&lt;html&gt;</c>) stays one, with its <c>&lt;head&gt;</c> emptied of what
    /// is not allowed, and a fragment stays a fragment. <c>null</c> for no HTML or more than <see cref="MaxChars"/>.
    /// </summary>
    public static string? Sanitize(string? html)
    {
        if (string.IsNullOrWhiteSpace(html) || html.Length > MaxChars) return null;
        return IsDocument(html) ? Sanitizer.SanitizeDocument(html) : Sanitizer.Sanitize(html);
    }

    private static bool IsDocument(string html) =>
        html.Contains("<html", StringComparison.OrdinalIgnoreCase) || html.Contains("<!doctype", StringComparison.OrdinalIgnoreCase);

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        foreach (var tag in Forms) sanitizer.AllowedTags.Remove(tag);
        // A <base> would send every relative link elsewhere, a <meta http-equiv> refresh away: neither is allowed by the
        // defaults, and they stay out.
        sanitizer.AllowedTags.Remove("base");
        sanitizer.AllowedTags.Remove("meta");
        foreach (var attribute in new[] { "action", "formaction", "method", "target" }) sanitizer.AllowedAttributes.Remove(attribute);

        sanitizer.AllowedSchemes.Clear();
        // cid: names an inline image of the same mail (RFC 2392); mailto: is how mail links to people.
        foreach (var scheme in new[] { "http", "https", "mailto", "cid" }) sanitizer.AllowedSchemes.Add(scheme);

        sanitizer.AllowedCssProperties.Clear();
        foreach (var property in MailCss) sanitizer.AllowedCssProperties.Add(property);
        sanitizer.AllowCssCustomProperties = false;
        sanitizer.AllowDataAttributes = false;
        return sanitizer;
    }
}
