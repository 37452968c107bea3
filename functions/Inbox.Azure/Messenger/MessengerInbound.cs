using System.Text;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Messenger;

/// <summary>Configuration section <c>Messenger</c>: the Meta app's secret and the webhook's verify token.</summary>
public sealed class MessengerOptions
{
    public const string Section = "Messenger";

    public string AppSecret { get; set; } = "";
    public string VerifyToken { get; set; } = "";
}

/// <summary>What a webhook delivery came to: the events queued, and the pages no inbox holds (acknowledged, dropped).</summary>
public sealed record WebhookReceipt(int Queued, IReadOnlyList<string> DroppedPages);

/// <summary>
/// Receives a Messenger webhook delivery: the signature is checked before anything is parsed, every messaging item
/// becomes one inbound event, and the delivery is acknowledged only once all its events are queued; if they cannot
/// be, the answer is 503 and Meta delivers again.
/// </summary>
public sealed class MessengerInbound(MessengerOptions options, ChannelResolver resolver, IInboundQueue queue, TimeProvider clock)
{
    private readonly byte[] appSecret = Encoding.UTF8.GetBytes(options.AppSecret);

    private static readonly Problem BadSignature = new(ProblemKind.Unauthenticated, "The signature is missing or wrong.",
        $"Sign the raw body with the app secret: {MessengerWebhook.SignatureHeader}: sha256=<hex>.");

    /// <summary>
    /// A host without the app secret cannot tell Meta's deliveries from anyone's: a 503 (not a 401), so Meta keeps
    /// retrying, for up to 36 hours, until the secret is configured.
    /// </summary>
    public static readonly Problem NotConfigured = new(ProblemKind.Unavailable, "Messenger is not configured on this host.",
        "Set Messenger__AppSecret (the Meta app's secret) so that deliveries can be checked; Meta retries them meanwhile.");

    private int notConfiguredReported;

    /// <summary><c>true</c> the first time only: the missing configuration is logged once, not once per delivery.</summary>
    public bool ReportNotConfigured() => Interlocked.Exchange(ref notConfiguredReported, 1) == 0;

    public string? Verify(string? mode, string? verifyToken, string? challenge) =>
        MessengerWebhook.Challenge(mode, verifyToken, challenge, options.VerifyToken);

    public async Task<Outcome<WebhookReceipt>> Receive(ReadOnlyMemory<byte> body, string? signature, CancellationToken ct)
    {
        if (appSecret.Length == 0) return NotConfigured;
        if (!MessengerWebhook.IsSigned(body.Span, signature, appSecret)) return BadSignature;
        var parsed = MessengerPayload.Parse(body.Span, clock.GetUtcNow());
        if (!parsed.IsSuccess) return parsed.Problem!;

        var connected = new List<InboundEvent>();
        var dropped = new List<string>();
        try
        {
            foreach (var page in parsed.Value!.GroupBy(e => e.BindingKey))
            {
                if (await resolver.Resolve(page.Key, ct) is null) dropped.Add(page.Key);
                else connected.AddRange(page);
            }

            if (connected.Count > 0) await queue.Enqueue(connected, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A page lookup or a queue that fails is a 503: Meta delivers again, so nothing is lost. The store's own
            // message (kilobytes of diagnostics) is not for the caller.
            return new Problem(ProblemKind.Unavailable, "The events could not be queued.",
                $"{e.GetType().Name}: the store or the queue is unavailable; the delivery is to be retried.");
        }

        return new WebhookReceipt(connected.Count, dropped);
    }
}
