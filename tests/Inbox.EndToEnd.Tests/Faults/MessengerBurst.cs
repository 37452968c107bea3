using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace InboxServerless.EndToEnd.Tests.Faults;

/// <summary>One text message of a burst: who sent it and Meta's message id.</summary>
public sealed record BurstItem(string Psid, string Mid);

/// <summary>
/// A burst of Messenger deliveries to one page as Meta sends them: text messages from several people (several
/// conversations), in signed batches of a few items each, posted a few at a time over real HTTP. A batch answered
/// with anything but 2xx is sent again with the same bytes and signature, at once and then less often, as Meta retries.
/// </summary>
public sealed class MessengerBurst
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly List<(byte[] Body, string Signature, IReadOnlyList<BurstItem> Items)> batches = [];

    public MessengerBurst(string pageId, int events, int senders, int perBatch)
    {
        var psids = Enumerable.Range(0, senders).Select(_ => Random.Shared.NextInt64(1_000_000_000_000_000, 9_999_999_999_999_999)
            .ToString(CultureInfo.InvariantCulture)).ToList();
        Items = [.. Enumerable.Range(0, events).Select(i => new BurstItem(psids[i % senders], $"m_{Guid.NewGuid():N}"))];
        foreach (var chunk in Items.Select((item, i) => (item, i)).Chunk(perBatch))
        {
            var messaging = chunk.Select(c =>
                $$$"""{"sender":{"id":"{{{c.item.Psid}}}"},"recipient":{"id":"{{{pageId}}}"},"timestamp":{{{T0.AddSeconds(c.i).ToUnixTimeMilliseconds()}}},"message":{"mid":"{{{c.item.Mid}}}","text":"message {{{c.i}}}"}}""");
            var json = $$"""{"object":"page","entry":[{"id":"{{pageId}}","time":{{T0.AddSeconds(chunk[^1].i).ToUnixTimeMilliseconds()}},"messaging":[{{string.Join(",", messaging)}}]}]}""";
            var body = Encoding.ASCII.GetBytes(json);
            var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(FaultHostFixture.AppSecret), body));
            batches.Add((body, signature, [.. chunk.Select(c => c.item)]));
        }
    }

    public IReadOnlyList<BurstItem> Items { get; }

    public int Batches => batches.Count;

    /// <summary>Posts every batch, <paramref name="parallel"/> at a time, each until it is acknowledged or out of attempts.</summary>
    public async Task<BurstDelivery> Deliver(HttpClient meta, int parallel = 4, int maxAttempts = 12)
    {
        var started = Stopwatch.StartNew();
        var acknowledged = new ConcurrentBag<BurstItem>();
        var refusals = new ConcurrentQueue<(int Status, string? MediaType)>();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (batch, ct) =>
        {
            for (var attempt = 1; attempt <= maxAttempts; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/messenger") { Content = new ByteArrayContent(batch.Body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", batch.Signature);
                using var response = await meta.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    foreach (var item in batch.Items) acknowledged.Add(item);
                    return;
                }

                refusals.Enqueue(((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType));
                // Meta retries at once, then less often; compressed here to tens of milliseconds.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(25 * (1 << attempt), 400)), ct);
            }
        });
        return new BurstDelivery([.. acknowledged], [.. refusals], started.Elapsed);
    }
}

/// <summary>What the sender saw: the items of acknowledged batches, every refusal (status, content type), and how long it took.</summary>
public sealed record BurstDelivery(IReadOnlyList<BurstItem> Acknowledged, IReadOnlyList<(int Status, string? MediaType)> Refusals, TimeSpan Took);
