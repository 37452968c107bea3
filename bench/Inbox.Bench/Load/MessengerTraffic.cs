using System.Security.Cryptography;
using System.Text;

namespace InboxServerless.Bench.Load;

/// <summary>
/// Signed Messenger webhook deliveries as Meta sends them: one page entry holding <c>eventsPerBatch</c> text messages,
/// each with a message id never used before, from a fixed set of senders (the conversations).
/// </summary>
public sealed class MessengerTraffic(string pageId, string appSecret, int eventsPerBatch, int senders) : ITraffic
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    private readonly byte[] secret = Encoding.UTF8.GetBytes(appSecret);
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private long sequence;

    public int EventsPerBatch => eventsPerBatch;

    /// <summary>The next delivery: its body, its signature header, and the message ids it carries.</summary>
    public Delivery Next()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new string[eventsPerBatch];
        var body = new StringBuilder(256 + eventsPerBatch * 260);
        body.Append($$"""{"object":"page","entry":[{"id":"{{pageId}}","time":{{now}},"messaging":[""");
        for (var i = 0; i < eventsPerBatch; i++)
        {
            var n = Interlocked.Increment(ref sequence);
            ids[i] = $"m_{run}_{n}";
            if (i > 0) body.Append(',');
            body.Append($$"""{"sender":{"id":"psid-{{n % senders}}"},"recipient":{"id":"{{pageId}}"},"timestamp":{{now}},""");
            body.Append($$$"""
                "message":{"mid":"{{{ids[i]}}}","text":"Hello, is the blue city bike in stock in a 54 cm frame? Order {{{n}}}."}}
                """);
        }

        body.Append("]}]}");
        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        return new Delivery(bytes, "application/json",
            [new(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, bytes)))], ids);
    }
}
