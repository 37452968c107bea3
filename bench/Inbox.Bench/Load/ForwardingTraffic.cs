using System.Text;

namespace InboxServerless.Bench.Load;

/// <summary>
/// Raw messages as a forwarding provider posts them to a channel's inbound URL (<c>message/rfc822</c>, HTTP Basic with
/// the channel's inbound secret): a newsletter-like HTML mail of about <c>bytes</c>, each with a Message-Id of its own.
/// </summary>
public sealed class ForwardingTraffic(string address, string inboundSecret, int bytes) : ITraffic
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private readonly string body = Body(bytes);
    private readonly KeyValuePair<string, string> authorization =
        new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("forwarder:" + inboundSecret)));
    private long sequence;

    public int EventsPerBatch => 1;

    public Delivery Next()
    {
        var id = $"<{run}.{Interlocked.Increment(ref sequence)}@customer.example>";
        var mime = $"""
            From: Jane Doe <jane@customer.example>
            To: {address}
            Subject: Order {sequence}
            Date: Thu, 03 Dec 2026 10:00:00 +0000
            Message-ID: {id}
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8

            {body}
            """.ReplaceLineEndings("\r\n");
        return new Delivery(Encoding.UTF8.GetBytes(mime), "message/rfc822", [authorization], [id]);
    }

    private static string Body(int bytes)
    {
        var html = new StringBuilder("<html><body><table>");
        for (var row = 0; html.Length < bytes; row++)
            html.Append($"<tr><td style=\"padding:4px;color:#333\">Item {row}: the blue city bike, 54 cm frame, in stock.</td></tr>\r\n");
        return html.Append("</table></body></html>").ToString();
    }
}
