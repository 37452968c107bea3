using System.Text;
using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>Raw messages as mail servers write them: folded headers, encoded words, transfer encodings, charsets.</summary>
public sealed class MimeMessageNormaliserTests
{
    private const string Mailbox = "email:support@contoso.test";
    private static readonly DateTimeOffset Received = new(2026, 11, 25, 9, 0, 5, TimeSpan.Zero);

    /// <summary>A small PDF, base64-encoded in the message as mail clients do (76-character lines).</summary>
    internal static readonly byte[] Invoice = Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + string.Concat(Enumerable.Repeat("0000000000 65535 f \n", 20)) + "%%EOF\n");

    private static readonly string InvoiceBase64 = string.Join("\r\n", Convert.ToBase64String(Invoice).Chunk(76).Select(c => new string(c)));

    /// <summary>multipart/mixed: multipart/alternative (quoted-printable ISO-8859-1 text, base64 UTF-8 HTML) and a PDF.</summary>
    internal static string Original => $"""
        Return-Path: <jose@customer.test>
        Received: from mail.customer.test (mail.customer.test [203.0.113.7])
        	by mx.contoso.test with ESMTPS id 4f2a; Tue, 24 Nov 2026 18:02:11 +0100
        From: =?ISO-8859-1?Q?Jos=E9_Garc=EDa?= <jose@customer.test>
        To: Support <support@contoso.test>
        Subject: =?UTF-8?B?UsOpc2VydmF0aW9uIG7CsCA0Mg==?= =?ISO-8859-1?Q?_caf=E9?=
        Date: Tue, 24 Nov 2026 18:02:09 +0100
        Message-ID: <20261124170209.4f2a@mail.customer.test>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="mixed-7d1"

        This is a multi-part message in MIME format.
        --mixed-7d1
        Content-Type: multipart/alternative; boundary="alt-9c3"

        --alt-9c3
        Content-Type: text/plain; charset=ISO-8859-1
        Content-Transfer-Encoding: quoted-printable

        Bonjour, le caf=E9 de la r=E9servation n=B0 42 =E9tait froid. Pouvez-vous =
        me rembourser ?
        --alt-9c3
        Content-Type: text/html; charset=UTF-8
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Encoding.UTF8.GetBytes("<p>Bonjour, le café était <b>froid</b>.</p>"))}
        --alt-9c3--

        --mixed-7d1
        Content-Type: application/pdf; name="facture-42.pdf"
        Content-Disposition: attachment; filename="facture-42.pdf"
        Content-Transfer-Encoding: base64

        {InvoiceBase64}
        --mixed-7d1--
        """;

    internal const string ReplyToOriginal = """
        From: Jose Garcia <jose@customer.test>
        To: support@contoso.test
        Subject: Re: =?UTF-8?B?UsOpc2VydmF0aW9uIG7CsCA0Mg==?=
        Date: Wed, 25 Nov 2026 08:59:51 +0000
        Message-ID: <20261125085951.77b1@mail.customer.test>
        In-Reply-To: <20261124180500.aa01@contoso.test>
        References: <20261124170209.4f2a@mail.customer.test>
         <20261124180500.aa01@contoso.test>
        Content-Type: text/plain; charset=us-ascii

        Any news?
        """;

    private static InboundEmail Normalise(string mime)
    {
        var normalised = MimeMessageNormaliser.Normalise(Encoding.ASCII.GetBytes(mime), Mailbox, Received);
        Assert.True(normalised.IsSuccess, normalised.Problem?.Detail);
        return normalised.Value!;
    }

    [Fact]
    public void A_multipart_message_becomes_an_email_event_with_its_text_html_and_attachment()
    {
        var email = Normalise(Original);
        var e = email.Event;

        Assert.Equal(ChannelKind.Email, e.Channel);
        Assert.Equal(InboundEventType.Message, e.Type);
        Assert.Equal(Mailbox, e.BindingKey);
        Assert.Equal("<20261124170209.4f2a@mail.customer.test>", e.ExternalId);
        Assert.Equal(new InboundSender("jose@customer.test", "José García", "jose@customer.test"), e.Sender);
        Assert.Equal("Réservation n° 42 café", e.Content.Subject);
        Assert.Equal("Bonjour, le café de la réservation n° 42 était froid. Pouvez-vous me rembourser ?", e.Content.Text?.TrimEnd());
        Assert.Equal("<p>Bonjour, le café était <b>froid</b>.</p>", e.Content.Html);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 18, 2, 9, TimeSpan.FromHours(1)), e.SentAt);
        Assert.Equal(Received, e.ReceivedAt);
        Assert.Null(e.Thread.ConversationId);
        Assert.Null(e.Thread.InReplyTo);
        Assert.Empty(e.Thread.References);
        Assert.True(email.HasAttachments);
        Assert.Equal([new EmailAttachment("facture-42.pdf", "application/pdf", Invoice.Length)], email.Attachments.Select(a => a with { Content = null }));
        Assert.Equal(Invoice, email.Attachments[0].Content!.ToArray()); // decoded, for the intake to store
        var attachment = Assert.Single(email.Attachments);
        Assert.Equal(new EmailAttachment("facture-42.pdf", "application/pdf", Invoice.Length), attachment with { Content = null });
        Assert.Equal(Invoice, attachment.Content!.ToArray()); // the decoded bytes, for the intake to store
        Assert.Empty(e.Content.Attachments); // by reference only once the shell has stored them
        Assert.Null(email.ForwardedFrom);
    }

    /// <summary>The first bytes of a PNG: the image's bytes are what the test follows, not its pixels.</summary>
    private static readonly byte[] Logo = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    /// <summary>multipart/related: the HTML shows a logo by cid:, a part that is no attachment by its disposition.</summary>
    private static string WithInlineLogo => $"""
        From: Jo Customer <jo@customer.test>
        To: support@contoso.test
        Subject: See the label
        Message-ID: <related-1@mail.customer.test>
        MIME-Version: 1.0
        Content-Type: multipart/related; boundary="rel-1"; type="text/html"

        --rel-1
        Content-Type: text/html; charset=UTF-8

        <p>The label: <img src="cid:logo@customer.test"></p>
        --rel-1
        Content-Type: image/png
        Content-Transfer-Encoding: base64
        Content-ID: <logo@customer.test>
        Content-Disposition: inline

        {Convert.ToBase64String(Logo)}
        --rel-1--
        """;

    [Fact]
    public void An_inline_image_is_an_inline_attachment_with_its_bytes()
    {
        var email = Normalise(WithInlineLogo);

        var logo = Assert.Single(email.Attachments);
        Assert.Equal(new EmailAttachment("image", "image/png", Logo.Length, IsInline: true) { ContentId = "logo@customer.test" }, logo with { Content = null });
        Assert.Equal(Logo, logo.Content!.ToArray());
        Assert.Equal("The label:", email.Event.Content.Text);
    }

    [Fact]
    public void A_forward_as_attachment_names_the_sender_of_the_message_it_carries()
    {
        var email = Normalise("""
            From: Ann Agent <ann@contoso.test>
            To: support@contoso.test
            Subject: Fwd: Order 1042 arrived damaged
            Message-ID: <fwd-1@contoso.test>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="fwd-1"

            --fwd-1
            Content-Type: text/plain

            See below.
            --fwd-1
            Content-Type: message/rfc822
            Content-Disposition: attachment

            From: =?ISO-8859-1?Q?Jos=E9_Garc=EDa?= <jose@customer.test>
            To: ann@contoso.test
            Subject: Order 1042 arrived damaged
            Message-ID: <orig-1@mail.customer.test>

            The box was crushed.
            --fwd-1--
            """);

        Assert.Equal(new InboundSender("jose@customer.test", "José García", "jose@customer.test"), email.ForwardedFrom);
        Assert.Equal("ann@contoso.test", email.Event.Sender.Email); // who sent it: the intake decides whom it is logged to
        Assert.Equal("message/rfc822", Assert.Single(email.Attachments).ContentType);
    }

    [Fact]
    public void An_inline_forward_names_the_sender_of_its_forwarded_header_block()
    {
        var email = Normalise("""
            From: Ann Agent <ann@contoso.test>
            To: support@contoso.test
            Subject: Fwd: Order 1042 arrived damaged
            Message-ID: <fwd-2@contoso.test>
            Content-Type: text/plain; charset=UTF-8

            Can someone take this one?

            ---------- Forwarded message ---------
            From: Jo Customer <jo@customer.test>
            Date: Tue, Nov 24, 2026 at 6:02 PM
            Subject: Order 1042 arrived damaged
            To: <ann@contoso.test>

            The box was crushed.
            """);

        Assert.Equal(new InboundSender("jo@customer.test", "Jo Customer", "jo@customer.test"), email.ForwardedFrom);
    }

    [Fact]
    public void A_reply_threads_into_the_same_session_and_names_the_original_among_its_references()
    {
        var original = Normalise(Original).Event;
        var reply = Normalise(ReplyToOriginal).Event;

        Assert.Equal("<20261124180500.aa01@contoso.test>", reply.Thread.InReplyTo);
        Assert.Equal(["<20261124170209.4f2a@mail.customer.test>", "<20261124180500.aa01@contoso.test>"], reply.Thread.References);
        Assert.Equal(original.SessionKey, reply.SessionKey);
        // Routing finds the original by the message id it was stored under.
        Assert.Contains(ThreadRules.EmailReferences(reply), r => Message.IdFor(ChannelKind.Email, r) == Message.IdFor(ChannelKind.Email, original.ExternalId));
        Assert.Equal("Re: Réservation n° 42", reply.Content.Subject);
        Assert.Equal("Jose Garcia", reply.Sender.Name);
    }

    [Fact]
    public void The_same_mail_read_from_graph_or_from_its_bytes_has_the_same_identity()
    {
        var graph = GraphMessageNormaliser.Normalise(Encoding.UTF8.GetBytes(GraphMessageNormaliserTests.Original), Mailbox, Received).Value!.Event;
        var mime = Normalise("""
            From: Jo Customer <jo@customer.test>
            Message-ID: <CAF8z1u+Qk9@mail.customer.test>
            Subject: Order 1042 arrived damaged

            Hello
            """).Event;

        Assert.Equal(graph.ExternalId, mime.ExternalId);
        Assert.Equal(graph.MessageId, mime.MessageId);
    }

    [Fact]
    public void An_html_only_message_gets_its_text_from_the_html()
    {
        var e = Normalise("""
            From: shop@store.test
            Subject: Your order
            Message-ID: <o-1@store.test>
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <html><head><title>Order</title><script>var x =3D 1;</script></head><body>
            <h1>Thanks&nbsp;for your order</h1><p>Total: 12&euro;</p><ul><li>Mug</li><li>Tea</li></ul></body></html>
            """).Event;

        Assert.Equal("Thanks\u00a0for your order\nTotal: 12€\nMug\nTea", e.Content.Text);
        Assert.StartsWith("<html>", e.Content.Html);
        Assert.Null(e.Sender.Name);
        Assert.Equal("Shown", HtmlText.ToText("<html><head><title>Hidden</title><body>Shown</body></html>")); // head never closed
    }

    [Fact]
    public void Without_a_date_the_receipt_dates_it_and_without_a_message_id_its_bytes_identify_it()
    {
        const string mime = "From: jo@customer.test\r\nSubject: hi\r\n\r\nHello\r\n";

        var e = Normalise(mime).Event;

        Assert.Equal(Received, e.SentAt);
        Assert.StartsWith("sha256:", e.ExternalId);
        Assert.Equal(e.ExternalId, Normalise(mime).Event.ExternalId);
        Assert.NotEqual(e.ExternalId, Normalise(mime.Replace("Hello", "Hallo")).Event.ExternalId);
    }

    [Fact]
    public void Gmails_raw_base64url_is_the_same_message()
    {
        var raw = Convert.ToBase64String(Encoding.ASCII.GetBytes(ReplyToOriginal)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var fromGmail = MimeMessageNormaliser.NormaliseGmailRaw(raw, Mailbox, Received);

        Assert.True(fromGmail.IsSuccess, fromGmail.Problem?.Detail);
        Assert.Equal(Normalise(ReplyToOriginal).Event.ExternalId, fromGmail.Value!.Event.ExternalId);
        Assert.Equal(ProblemKind.Invalid, MimeMessageNormaliser.NormaliseGmailRaw("not*base64", Mailbox, Received).Problem?.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("this is not mail at all")]
    [InlineData("To: support@contoso.test\r\nSubject: nobody sent this\r\n\r\nHello\r\n")]
    [InlineData("From: \r\nSubject: empty sender\r\n\r\nHello\r\n")]
    public void Bytes_that_are_not_a_message_from_someone_are_a_problem(string mime)
    {
        var normalised = MimeMessageNormaliser.Normalise(Encoding.ASCII.GetBytes(mime), Mailbox, Received);

        Assert.False(normalised.IsSuccess);
        Assert.Equal(ProblemKind.Invalid, normalised.Problem!.Kind);
    }

    [Fact]
    public void A_message_over_the_bound_is_refused_before_it_is_read()
    {
        var tooLarge = new byte[MimeMessageNormaliser.MaxBytes + 1];

        var normalised = MimeMessageNormaliser.Normalise(tooLarge, Mailbox, Received);

        Assert.Equal(ProblemKind.TooLarge, normalised.Problem?.Kind);
        Assert.Contains(MimeMessageNormaliser.MaxBytes.ToString(), normalised.Problem!.Detail);
    }
}
