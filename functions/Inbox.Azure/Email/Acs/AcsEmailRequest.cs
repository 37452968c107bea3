using System.Text.Json;
using System.Text.Json.Serialization;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Email.Acs;

/// <summary>
/// The body of <c>POST /emails:send</c> (api-version 2023-03-31), built from a mail whose sender is already chosen
/// (<see cref="Core.Rules.SenderAddressRules"/>). ACS takes no display name for the sender: the From name is the one
/// configured on the MailFrom address in the resource, so <see cref="OutgoingMail.FromName"/> does not travel.
/// </summary>
public sealed record AcsEmailRequest(
    string SenderAddress,
    AcsEmailRequest.RecipientList Recipients,
    AcsEmailRequest.Body Content,
    IReadOnlyList<AcsEmailRequest.Mailbox>? ReplyTo,
    IReadOnlyList<AcsEmailRequest.File>? Attachments,
    IReadOnlyDictionary<string, string>? Headers)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Headers a mail may carry to ACS: threading (<c>In-Reply-To</c>, <c>References</c>), our <c>Message-ID</c>, and
    /// extension headers; ACS writes the rest itself (From, To, Subject, Date, MIME), and its reserved
    /// <c>x-ms-acsemail-*</c> switches are not ours to set from a mail.
    /// </summary>
    public static bool IsPassedThrough(string name) =>
        !name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase) &&
        !Reserved.Contains(name);

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Return-Path", "Received", "DKIM-Signature",
    };

    public static AcsEmailRequest From(OutgoingMail mail)
    {
        var from = mail.From ?? throw new ArgumentException("The mail's sender must be chosen before it goes to ACS.", nameof(mail));
        var headers = mail.Headers.Where(h => IsPassedThrough(h.Key)).ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        // The Message-ID ACS writes when it accepts ours (docs/wire-contracts.md#azure-communication-services-email), and
        // the thread the contact's client joins the reply to.
        if (mail.MessageId is { Length: > 0 } messageId) headers["Message-ID"] = messageId;
        if (mail.InReplyTo is { Length: > 0 } inReplyTo) headers["In-Reply-To"] = inReplyTo;
        if (mail.References.Count > 0) headers["References"] = string.Join(' ', mail.References);
        return new AcsEmailRequest(
            from,
            new RecipientList([new Mailbox(mail.To, null)]),
            new Body(mail.Subject, mail.PlainText, mail.Html),
            mail.ReplyTo is { Length: > 0 } replyTo ? [new Mailbox(replyTo, string.IsNullOrWhiteSpace(mail.ReplyToName) ? null : mail.ReplyToName)] : null,
            mail.Attachments.Count > 0 ? [.. mail.Attachments.Select(a => new File(a.Name, a.ContentType, Convert.ToBase64String(a.Content.Span)))] : null,
            headers.Count > 0 ? headers : null);
    }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public sealed record RecipientList(IReadOnlyList<Mailbox> To);

    public sealed record Mailbox(string Address, string? DisplayName);

    public sealed record Body(string Subject, string PlainText, string? Html);

    public sealed record File(string Name, string ContentType, string ContentInBase64);
}
