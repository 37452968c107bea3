using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;
using MimeKit;

namespace InboxServerless.Bench.Micro;

/// <summary>
/// Issue 7: normalising a Graph notification batch (10 items) and a 50 KB MIME message, each beside the bare parse it
/// cannot do without (JsonDocument, MimeKit's MimeMessage.Load), so the figures show what normalising adds.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory), CategoriesColumn]
public class EmailNormalisationBenchmarks
{
    private const string Mailbox = "email:support@contoso.test";
    private static readonly DateTimeOffset Received = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private byte[] notification = [];
    private Dictionary<string, string> secrets = [];
    private byte[] mime = [];

    [GlobalSetup]
    public void Setup()
    {
        secrets = Enumerable.Range(0, 10).ToDictionary(i => $"sub-{i:00}-7f105c7d-2dc5-4530-97cd-4e7ae6534c07", i => $"client-state-secret-{i:00}");
        notification = Encoding.UTF8.GetBytes(GraphBatch(secrets));
        mime = Encoding.ASCII.GetBytes(Mime(50 * 1024));
        if (mime.Length is < 48 * 1024 or > 52 * 1024) throw new InvalidOperationException($"The message is {mime.Length} bytes.");
        if (!MimeMessageNormaliser.Normalise(mime, Mailbox, Received).IsSuccess ||
            GraphNotifications.Parse(notification, secrets.GetValueOrDefault).Value?.Messages.Count != 10)
            throw new InvalidOperationException("The samples do not normalise.");
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Graph notification, 10 items")]
    public int JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(notification);
        return document.RootElement.GetProperty("value").GetArrayLength();
    }

    [Benchmark, BenchmarkCategory("Graph notification, 10 items")]
    public Outcome<GraphNotificationBatch> GraphNotificationParse() => GraphNotifications.Parse(notification, secrets.GetValueOrDefault);

    [Benchmark(Baseline = true), BenchmarkCategory("MIME message, 50 KB")]
    public int MimeMessageLoad()
    {
        using var message = MimeMessage.Load(new MemoryStream(mime, writable: false));
        return message.BodyParts.Count();
    }

    [Benchmark, BenchmarkCategory("MIME message, 50 KB")]
    public Outcome<InboundEmail> MimeNormalise() => MimeMessageNormaliser.Normalise(mime, Mailbox, Received);

    private static string GraphBatch(Dictionary<string, string> secrets) =>
        $$"""{"value":[{{string.Join(",", secrets.Select((s, i) => $$"""
            {"subscriptionId":"{{s.Key}}","subscriptionExpirationDateTime":"2026-11-28T11:00:00.0000000Z","changeType":"created",
             "resource":"Users/ann@contoso.test/Messages/AAMkAGUwNjQ4ZjIxAAA{{i:00}}=",
             "resourceData":{"@odata.type":"#Microsoft.Graph.Message","@odata.id":"Users/ann@contoso.test/Messages/AAMkAGUwNjQ4ZjIxAAA{{i:00}}=",
               "@odata.etag":"W/\"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf\"","id":"AAMkAGUwNjQ4ZjIxAAA{{i:00}}="},
             "clientState":"{{s.Value}}","tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95"}
            """))}}]}""";

    /// <summary>
    /// A reply as mail clients write it, of about <paramref name="size"/> bytes: quoted-printable text, base64 HTML and a
    /// base64 attachment (a quarter, half and a quarter of the size), the same bytes on every run.
    /// </summary>
    private static string Mime(int size)
    {
        const string sentence = "Bonjour, le café de la réservation n° 42 était froid; pouvez-vous me rembourser la commande ? ";
        var text = Grow(sentence, t => QuotedPrintable(t).Length, size / 4);
        var html = "<html><body>" + Grow($"<p style=\"margin:0\">{sentence}</p>\n", h => Base64(Encoding.UTF8.GetBytes(h)).Length, size / 2) + "</body></html>";
        var attachment = new byte[size / 4 * 3 / 4 * 76 / 78]; // base64 with CRLF every 76 characters
        new Random(7).NextBytes(attachment);
        return $"""
            From: =?ISO-8859-1?Q?Jos=E9_Garc=EDa?= <jose@customer.test>
            To: Support <support@contoso.test>
            Subject: =?UTF-8?B?UsOpc2VydmF0aW9uIG7CsCA0Mg==?=
            Date: Tue, 24 Nov 2026 18:02:09 +0100
            Message-ID: <20261124170209.4f2a@mail.customer.test>
            In-Reply-To: <20261124120000.aa01@contoso.test>
            References: <20261124110000.root@mail.customer.test> <20261124120000.aa01@contoso.test>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="mixed-7d1"

            --mixed-7d1
            Content-Type: multipart/alternative; boundary="alt-9c3"

            --alt-9c3
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: quoted-printable

            {QuotedPrintable(text)}
            --alt-9c3
            Content-Type: text/html; charset=UTF-8
            Content-Transfer-Encoding: base64

            {Base64(Encoding.UTF8.GetBytes(html))}
            --alt-9c3--

            --mixed-7d1
            Content-Type: application/octet-stream; name="photo.bin"
            Content-Disposition: attachment; filename="photo.bin"
            Content-Transfer-Encoding: base64

            {Base64(attachment)}
            --mixed-7d1--

            """.ReplaceLineEndings("\r\n");
    }

    /// <summary>The piece repeated until its encoding is <paramref name="length"/> long.</summary>
    private static string Grow(string piece, Func<string, int> encodedLength, int length)
    {
        var text = new StringBuilder(piece);
        while (encodedLength(text.ToString()) < length) text.Append(piece);
        return text.ToString();
    }

    private static string Base64(byte[] bytes) => string.Join("\r\n", Convert.ToBase64String(bytes).Chunk(76).Select(c => new string(c)));

    /// <summary>UTF-8 bytes outside printable ASCII as =XX, with soft line breaks before 76 characters.</summary>
    private static string QuotedPrintable(string text)
    {
        var output = new StringBuilder();
        var line = 0;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var encoded = b is >= 33 and <= 126 and not (byte)'=' || b == ' ' ? ((char)b).ToString() : $"={b:X2}";
            if (line + encoded.Length > 75)
            {
                output.Append("=\r\n");
                line = 0;
            }

            output.Append(encoded);
            line += encoded.Length;
        }

        return output.ToString();
    }
}
