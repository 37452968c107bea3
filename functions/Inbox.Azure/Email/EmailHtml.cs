using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
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

    // What HTML mail is styled with, in style attributes (a <style> element is not kept: see Create). Positioning is left
    // out: a fixed or absolute box can cover the reading pane with a fake login.
    private static readonly HashSet<string> MailCss = new(StringComparer.OrdinalIgnoreCase)
    {
        "background", "background-color", "background-position", "background-repeat", "background-size",
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
    };

    // The only CSS functions a kept value may call: colours. No url(), no expression(), nothing that loads or runs.
    private static readonly HashSet<string> MailCssFunctions = new(StringComparer.OrdinalIgnoreCase) { "rgb", "rgba", "hsl", "hsla" };

    /// <summary>Where a style checked by <see cref="CleanStyle"/> waits while the sanitiser works (it never parses it).</summary>
    private const string CheckedStyle = "x-inbox-checked-style";

    private const int MaxStyleValueChars = 256;

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

        // Style attributes are checked here, not by the sanitiser: it parses each one with a full CSS engine (AngleSharp.Css,
        // every shorthand expanded), which cost 46-80 ms and 18 MB for a 50 KB newsletter; mail needs only plain declarations.
        // The parser has no CSS engine at all (even removing a style attribute made it parse one), so <style> elements,
        // which only that engine could check, are not allowed. A style attribute is removed as not allowed, its checked
        // declarations set aside on the element, and put back at the end.
        sanitizer.HtmlParserFactory = () => new HtmlParser(new HtmlParserOptions(), BrowsingContext.New(Configuration.Default));
        sanitizer.AllowedTags.Remove("style");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedCssProperties.Clear();
        sanitizer.AllowCssCustomProperties = false;
        sanitizer.AllowDataAttributes = false;
        sanitizer.RemovingAttribute += (_, e) =>
        {
            if (e.Reason == RemoveReason.NotAllowedAttribute && e.Attribute.Name == "style" && CleanStyle(e.Attribute.Value) is { Length: > 0 } style)
                e.Tag.SetAttribute(CheckedStyle, style);
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is not IElement element || element.GetAttribute(CheckedStyle) is not { } style) return;
            element.RemoveAttribute(CheckedStyle);
            element.SetAttribute("style", style);
        };
        return sanitizer;
    }

    /// <summary>
    /// The declarations of a style attribute that mail uses (<see cref="MailCss"/>), with values made only of words,
    /// numbers, units, colours and quoted font names: no escapes (<c>\</c>), comments, URLs or functions other than
    /// colours, so nothing in them can load or run. Anything else is dropped, declaration by declaration.
    /// </summary>
    public static string CleanStyle(string style)
    {
        var kept = new System.Text.StringBuilder();
        foreach (var declaration in style.Split(';'))
        {
            var colon = declaration.IndexOf(':');
            if (colon <= 0) continue;
            var name = declaration[..colon].Trim();
            var value = declaration[(colon + 1)..].Trim();
            if (!MailCss.Contains(name) || value.Length is 0 or > MaxStyleValueChars || !IsPlainValue(value)) continue;
            if (kept.Length > 0) kept.Append("; ");
            kept.Append(name.ToLowerInvariant()).Append(": ").Append(value);
        }

        return kept.ToString();
    }

    private static bool IsPlainValue(string value)
    {
        var open = -1;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsLetterOrDigit(c) || char.IsWhiteSpace(c) || c is '#' or '%' or '.' or ',' or '-' or '\'' or '"' or '!') continue;
            if (c == '(' && open < 0 && MailCssFunctions.Contains(FunctionName(value, i)))
            {
                open = i;
                continue;
            }

            if (c == ')' && open >= 0)
            {
                open = -1;
                continue;
            }

            return false;
        }

        return open < 0;
    }

    /// <summary>The letters just before the parenthesis at <paramref name="paren"/>.</summary>
    private static string FunctionName(string value, int paren)
    {
        var start = paren;
        while (start > 0 && char.IsAsciiLetter(value[start - 1])) start--;
        return value[start..paren];
    }
}
