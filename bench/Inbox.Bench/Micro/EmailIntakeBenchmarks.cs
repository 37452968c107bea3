using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ganss.Xss;
using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Bench.Micro;

/// <summary>
/// Issue 14: what the intake adds to a 50 KB HTML mail with two attachments (a PDF and an inline image): the policy's
/// sanitising, the text, the attachments' digests (the store is a no-op here: its cost is the network's), beside MIME
/// normalisation alone and HtmlSanitizer with its defaults, which parses every style attribute with every CSS property.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory), CategoriesColumn]
public class EmailIntakeBenchmarks
{
    private const string Address = "support@contoso.test";
    private static readonly DateTimeOffset Received = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly HtmlSanitizer Defaults = new();

    private readonly EmailIntake intake = new(new NoStore(), new NoDirectory());
    private readonly Mailbox mailbox = new("acme", "support", new Channel("email-1",
        new EmailChannel { Provider = EmailProvider.Forwarding, Address = Address, FromName = new FromName { CompanyName = "Contoso" } }, Received));

    private byte[] mime = [];
    private string html = "";
    private InboundEmail email = null!;

    [GlobalSetup]
    public void Setup()
    {
        html = Html(50 * 1024);
        mime = Encoding.ASCII.GetBytes(Mime(html));
        email = MimeMessageNormaliser.Normalise(mime, "email:" + Address, Received).Value
            ?? throw new InvalidOperationException("The sample does not normalise.");
        if (email.Attachments.Count != 2 || EmailHtml.Sanitize(html) is null) throw new InvalidOperationException("The sample lost its parts.");
    }

    [Benchmark(Baseline = true), BenchmarkCategory("50 KB HTML, 2 attachments")]
    public Outcome<InboundEmail> MimeNormalise() => MimeMessageNormaliser.Normalise(mime, "email:" + Address, Received);

    [Benchmark, BenchmarkCategory("50 KB HTML, 2 attachments")]
    public string? SanitiseWithThePolicy() => EmailHtml.Sanitize(html);

    [Benchmark, BenchmarkCategory("50 KB HTML, 2 attachments")]
    public string SanitiseWithTheDefaults() => Defaults.SanitizeDocument(html);

    [Benchmark, BenchmarkCategory("50 KB HTML, 2 attachments")]
    public Task<InboundEvent> Intake() => intake.Take(mailbox, email, default);

    [Benchmark, BenchmarkCategory("50 KB HTML, 2 attachments")]
    public async Task<InboundEvent> NormaliseAndIntake() =>
        await intake.Take(mailbox, MimeMessageNormaliser.Normalise(mime, "email:" + Address, Received).Value!, default);

    /// <summary>Newsletter-like HTML of about <paramref name="size"/> characters: a table layout, a style on every cell and paragraph.</summary>
    private static string Html(int size)
    {
        const string row = """
            <tr><td style="padding: 8px 12px; font-family: Arial, sans-serif; font-size: 14px; color: #333333; border-bottom: 1px solid #eeeeee">
            <p style="margin: 0 0 8px 0; line-height: 20px">Bonjour, le café de la réservation n° 42 était froid; pouvez-vous <a href="https://contoso.test/orders/42" style="color: #0066cc; text-decoration: underline">rembourser la commande</a> ?</p>
            </td></tr>

            """;
        var body = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Order</title></head><body style=\"margin: 0; background-color: #f4f4f4\">")
            .Append("<table role=\"presentation\" width=\"600\" style=\"border-collapse: collapse; width: 600px; margin: 0 auto; background-color: #ffffff\">")
            .Append("<tr><td><img src=\"cid:logo@customer.test\" alt=\"Logo\" width=\"120\" style=\"display: block; border: 0\"></td></tr>");
        while (body.Length < size - 40) body.Append(row);
        return body.Append("</table></body></html>").ToString();
    }

    private static string Mime(string html)
    {
        var pdf = new byte[12 * 1024];
        var png = new byte[4 * 1024];
        new Random(7).NextBytes(pdf);
        new Random(8).NextBytes(png);
        return $"""
            From: Jo Customer <jo@customer.test>
            To: Support <{Address}>
            Subject: Order 42
            Date: Tue, 24 Nov 2026 18:02:09 +0100
            Message-ID: <20261124170209.4f2a@mail.customer.test>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="mixed"

            --mixed
            Content-Type: multipart/related; boundary="related"; type="text/html"

            --related
            Content-Type: text/html; charset=UTF-8
            Content-Transfer-Encoding: base64

            {Base64(Encoding.UTF8.GetBytes(html))}
            --related
            Content-Type: image/png
            Content-Transfer-Encoding: base64
            Content-ID: <logo@customer.test>
            Content-Disposition: inline; filename="logo.png"

            {Base64(png)}
            --related--

            --mixed
            Content-Type: application/pdf; name="receipt.pdf"
            Content-Disposition: attachment; filename="receipt.pdf"
            Content-Transfer-Encoding: base64

            {Base64(pdf)}
            --mixed--

            """.ReplaceLineEndings("\r\n");
    }

    private static string Base64(byte[] bytes) => string.Join("\r\n", Convert.ToBase64String(bytes).Chunk(76).Select(c => new string(c)));

    private sealed class NoStore : IAttachmentStore
    {
        public Task Put(string accountId, string inboxId, string attachmentId, AttachmentContent content, CancellationToken ct) => Task.CompletedTask;

        public Task<StoredAttachment?> Open(string accountId, string inboxId, string attachmentId, CancellationToken ct) => Task.FromResult<StoredAttachment?>(null);
    }

    /// <summary>The channel does not log forwards to their original sender: the intake never reads the directory.</summary>
    private sealed class NoDirectory : IDirectoryStore
    {
        public Task<AccountDirectory> Load(string accountId, CancellationToken ct) => Task.FromResult(AccountDirectory.Empty);

        public Task<User> Save(User user, CancellationToken ct) => throw new NotSupportedException();

        public Task<Team> Save(Team team, CancellationToken ct) => throw new NotSupportedException();
    }
}
