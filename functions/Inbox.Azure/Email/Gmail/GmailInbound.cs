using System.Text.Json;
using InboxServerless.Azure.Json;
using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email.Gmail;

/// <summary>A Gmail notice as Pub/Sub pushes it: which mailbox changed, up to which history id, and the push's own id.</summary>
public sealed record GmailPush(string EmailAddress, string HistoryId, string MessageId);

/// <summary>What a push came to: queued, or acknowledged and dropped (no Gmail channel holds the address any more).</summary>
public sealed record GmailPushReceipt(bool Queued, string EmailAddress);

/// <summary>
/// Receives Pub/Sub's push of a Gmail notice (docs/wire-contracts.md#gmail-push-history-and-the-oauth-grant): the OIDC token is checked before the body is read, the notice becomes one
/// small mailbox change on the queue (the consumer reads the history), and the push is acknowledged only once it is
/// queued; if it cannot be, the answer is 503 and Pub/Sub pushes again.
/// </summary>
public sealed class GmailInbound(GmailOptions options, GooglePushToken token, ChannelResolver resolver, IInboundQueue queue, TimeProvider clock)
{
    /// <summary>Without the expected audience and service account no push can be told from a forgery: 503, so Pub/Sub keeps it.</summary>
    public static readonly Problem NotConfigured = new(ProblemKind.Unavailable, "Gmail pushes are not configured on this host.",
        "Set Gmail__PushAudience and Gmail__PushServiceAccount; Pub/Sub retries the pushes meanwhile.");

    public async Task<Outcome<GmailPushReceipt>> Receive(ReadOnlyMemory<byte> body, string? authorization, CancellationToken ct)
    {
        if (!options.CanReceivePushes) return NotConfigured;
        if (await token.Refusal(authorization, ct) is { } refusal)
            return new Problem(ProblemKind.Unauthenticated, "The push is not authenticated.", refusal);
        var parsed = Parse(body.Span);
        if (!parsed.IsSuccess) return parsed.Problem!;
        var push = parsed.Value!;

        var bindingKey = new ChannelBindingKey(ChannelKind.Email, push.EmailAddress).Value;
        try
        {
            if (await resolver.Resolve(bindingKey, ct) is not { Kind: ChannelKind.Email } target) return new GmailPushReceipt(false, push.EmailAddress);
            // Pub/Sub's message id: a redelivered push is the same event, which the queue's duplicate detection drops.
            var change = new MailboxChange(EmailProvider.Gmail, MailboxChangeKind.NewMail, target.AccountId, target.InboxId, target.ChannelId,
                Reference: push.HistoryId);
            await queue.Enqueue([change.Queued(push.EmailAddress, $"gmail:{push.MessageId}", clock.GetUtcNow())], ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new Problem(ProblemKind.Unavailable, "The push could not be queued.",
                $"{e.GetType().Name}: the store or the queue is unavailable; Pub/Sub pushes again.");
        }

        return new GmailPushReceipt(true, push.EmailAddress);
    }

    /// <summary>
    /// <c>{"message":{"data":base64({"emailAddress","historyId"}),"messageId","publishTime"},"subscription"}</c>. Pub/Sub
    /// also writes <c>message_id</c>; either is read.
    /// </summary>
    public static Outcome<GmailPush> Parse(ReadOnlySpan<byte> body) =>
        ProviderJson.Read<GmailPush>(body, "$", "a Pub/Sub push", root =>
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
                return Problem.Invalid("message", "The push has no message.");
            var id = Text(message, "messageId") ?? Text(message, "message_id");
            if (id is not { Length: > 0 and <= 200 }) return Problem.Invalid("message.messageId", "The push has no message id.");
            if (Text(message, "data") is not { Length: > 0 } data) return Problem.Invalid("message.data", "The push carries no data.");

            byte[] decoded;
            try
            {
                decoded = Convert.FromBase64String(data);
            }
            catch (FormatException)
            {
                return Problem.Invalid("message.data", "The data is not base64.");
            }

            var notice = ProviderJson.Read<GmailPush>(decoded, "message.data", "a Gmail notice", notice =>
            {
                if (notice.ValueKind != JsonValueKind.Object) return Problem.Invalid("message.data", "The notice is not a JSON object.");
                var address = Text(notice, "emailAddress");
                if (address is not { Length: > 0 and <= 320 } || !address.Contains('@'))
                    return Problem.Invalid("message.data.emailAddress", "The notice names no mailbox.");
                // Gmail writes the history id as a number; an unsigned 64-bit one.
                var history = notice.TryGetProperty("historyId", out var h) ? h.ValueKind switch
                {
                    JsonValueKind.Number when h.TryGetUInt64(out var n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    JsonValueKind.String when ulong.TryParse(h.GetString(), out var n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => null,
                } : null;
                if (history is null) return Problem.Invalid("message.data.historyId", "The notice has no history id.");
                return new GmailPush(address, history, id);
            });
            // The notice's own JSON is under message.data, whatever ProviderJson names the whole of it.
            return notice.Problem is { Errors: [{ Field: "$" } error] } ? Problem.Invalid("message.data", error.Message) : notice;
        });

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
