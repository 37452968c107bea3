using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Azure.Email;

/// <summary>
/// What every e-mail channel does with a message on the way in, whichever provider delivered it: the consumer's last step
/// before routing, off the webhook's path. The HTML is sanitised (<see cref="EmailHtml"/>) and a text body is always
/// there; attachments and inline images go to the attachment store and the message references them; a forward by an
/// agent is logged to the original sender when the channel says so. Reading a message twice gives the same event.
/// </summary>
public sealed class EmailIntake(IAttachmentStore attachments, IDirectoryStore directories)
{
    public async Task<InboundEvent> Take(Mailbox mailbox, InboundEmail email, CancellationToken ct)
    {
        var e = email.Event;
        var html = EmailHtml.Sanitize(e.Content.Html);
        var text = e.Content.Text is { Length: > 0 } given ? given : html is null ? "" : HtmlText.ToText(html);
        if (text.Length > EmailHtml.MaxChars) text = text[..EmailHtml.MaxChars];
        var stored = await Store(mailbox, email, ct);
        return e with
        {
            Sender = await Sender(mailbox, email, ct),
            Content = e.Content with { Html = ShowInlineImages(html, stored), Text = text, Attachments = [.. e.Content.Attachments, .. stored.Select(s => s.Attachment)] },
        };
    }

    /// <summary>
    /// A browser cannot resolve <c>cid:</c>: the images the HTML shows that way point at their stored copy instead (a URL
    /// we make, put in after sanitising). Images whose part was not stored keep their <c>cid:</c> and show nothing.
    /// </summary>
    private static string? ShowInlineImages(string? html, IReadOnlyList<(Attachment Attachment, string? ContentId)> stored)
    {
        if (html is null) return null;
        foreach (var (attachment, contentId) in stored)
            if (contentId is not null) html = html.Replace($"\"cid:{contentId}\"", $"\"{attachment.Url}\"", StringComparison.OrdinalIgnoreCase);
        return html;
    }

    private async Task<InboundSender> Sender(Mailbox mailbox, InboundEmail email, CancellationToken ct)
    {
        // The directory is read only for a forward on a channel that logs them: most mail costs no read.
        if (!mailbox.Settings.LogForwardedEmailToOriginalSender || email.ForwardedFrom is null) return email.Event.Sender;
        var directory = await directories.Load(mailbox.AccountId, ct);
        return ForwardedEmailRules.LoggedSender(mailbox.Settings, email.Event.Sender, email.ForwardedFrom, directory);
    }

    private async Task<IReadOnlyList<(Attachment Attachment, string? ContentId)>> Store(Mailbox mailbox, InboundEmail email, CancellationToken ct)
    {
        List<(Attachment, string?)> stored = [];
        foreach (var attachment in email.Attachments)
        {
            // Without its bytes (a reader that did not fetch them), past the count or over the size, an attachment stays
            // only at the provider: the bounds keep one mail from filling the store (docs/email-intake.md).
            if (stored.Count == AttachmentRules.MaxPerMessage || attachment.Content is null || attachment.Content.ToMemory().Length > AttachmentRules.MaxBytes)
                continue;

            var content = new AttachmentContent(attachment.Name, AttachmentRules.ServedType(attachment.ContentType), attachment.IsInline, attachment.Content.ToMemory());
            var id = AttachmentRules.Id(content);
            await attachments.Put(mailbox.AccountId, mailbox.InboxId, id, content, ct);
            stored.Add((attachment.At(AttachmentRules.Url(mailbox.InboxId, id)) with { ContentType = content.ContentType }, attachment.ContentId));
        }

        return stored;
    }
}
