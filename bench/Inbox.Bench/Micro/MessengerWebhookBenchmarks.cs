using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using InboxServerless.Azure.Messenger;

namespace InboxServerless.Bench.Micro;

/// <summary>
/// The webhook's own work on a signed delivery before anything is queued (<see cref="MessengerInbound.Receive"/>):
/// the secret's bytes, the signature check and the parse into inbound events, beside the HMAC alone that it cannot avoid.
/// </summary>
[MemoryDiagnoser]
public class MessengerWebhookBenchmarks
{
    private const string AppSecret = "5f2b8c1e9d7a4b3c6e0f1a2b3c4d5e6f";
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly byte[] secret = Encoding.UTF8.GetBytes(AppSecret);
    private readonly byte[] hash = new byte[32];
    private byte[] body = [];
    private string signature = "";

    [GlobalSetup]
    public void Setup()
    {
        body = Encoding.UTF8.GetBytes(Delivery.TenTextMessages());
        signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));
        if (Receive() != 10) throw new InvalidOperationException("The delivery should make ten events.");
    }

    [Benchmark(Baseline = true, Description = "HMAC-SHA256 of the body alone")]
    public byte Hmac()
    {
        HMACSHA256.HashData(secret, body, hash);
        return hash[0];
    }

    [Benchmark(Description = "Webhook: check signature + parse 10 entries")]
    public int Receive()
    {
        if (!MessengerWebhook.IsSigned(body, signature, Encoding.UTF8.GetBytes(AppSecret)))
            throw new InvalidOperationException("The signature should hold.");
        var parsed = MessengerPayload.Parse(body, ReceivedAt);
        return parsed.IsSuccess ? parsed.Value!.Count : throw new InvalidOperationException(parsed.Problem!.Detail);
    }

    /// <summary>A delivery as Meta sends one: ten entries of two pages, each with one text message; non-ASCII escaped.</summary>
    public static class Delivery
    {
        private static readonly string[] Pages = ["104381562489193", "187743990125602"];

        private static readonly string[] Texts =
        [
            "Hi, I ordered a pair of trail shoes last Tuesday and the tracking link still says \\\"label created\\\". Can you check?",
            "Order #48213-FR",
            "Bonjour, est-ce que vous livrez en Belgique ? Merci d\\u2019avance \\ud83d\\ude42",
            "Do you have the Alpine 2 jacket in size M, dark green?",
            "The discount code WELCOME10 doesn't work at checkout",
            "thanks!",
            "Can I change the delivery address? I moved to 14 rue de la Paix, 75002 Paris.",
            "Is the store on Oxford Street open on Sunday?",
            "I'd like to return the blue hoodie, it's too small. How do I get a return label?",
            "Caf\\u00e9 table arrived damaged \\u2014 one leg is cracked. Photos coming.",
        ];

        public static string TenTextMessages()
        {
            var random = new Random(2026);
            var time = 1764061200000L; // 2025-11-25 09:00 UTC
            var entries = new StringBuilder();
            for (var i = 0; i < Texts.Length; i++)
            {
                var page = Pages[i % Pages.Length];
                var psid = (7_245_109_388_417_262L + random.Next(1_000_000)).ToString();
                var mid = "m_" + Convert.ToBase64String(RandomBytes(random, 66)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
                if (i > 0) entries.Append(',');
                entries.Append($$$"""{"id":"{{{page}}}","time":{{{time + i * 137}}},"messaging":[{"sender":{"id":"{{{psid}}}"},"recipient":{"id":"{{{page}}}"},"timestamp":{{{time + i * 137 - 412}}},"message":{"mid":"{{{mid}}}","text":"{{{Texts[i]}}}"}}]}""");
            }

            return $$"""{"object":"page","entry":[{{entries}}]}""";
        }

        private static byte[] RandomBytes(Random random, int count)
        {
            var bytes = new byte[count];
            random.NextBytes(bytes);
            return bytes;
        }
    }
}
