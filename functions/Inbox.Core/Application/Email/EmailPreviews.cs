using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Email;

/// <summary>
/// The preview's request: a team e-mail channel's settings as the channel API takes them (saved or not), and the user
/// whose reply to show.
/// </summary>
public sealed record EmailPreviewRequest(ChannelSettings Channel, string UserId);

/// <summary>How a user's reply through the channel will look: the sender, the filled signature, and a sample reply.</summary>
/// <param name="From">As a mail client shows the sender: "Jane Doe at Contoso &lt;help@contoso.com&gt;".</param>
/// <param name="FromName"><c>null</c> for Office 365, which sends as the mailbox.</param>
public sealed record EmailPreview(string From, string? FromName, string SignatureHtml, string SignatureText, string SampleHtml, string SampleText);

/// <summary>
/// The setup wizard's and the channel form's "see how your from-name and signature appear": the same rules and the same
/// sanitising as a reply sent through <see cref="EmailReplies"/>, on settings that need not be saved yet.
/// </summary>
public sealed class EmailPreviews(IDirectoryStore directories, EmailReplies replies)
{
    private static readonly Problem UserNotFound = Problem.NotFound("The user");

    /// <summary>
    /// For account admins, who set channels up: the channel is checked as connecting it would check it (field errors
    /// under <c>channel.</c>), the user must be one of the account's (404 otherwise).
    /// </summary>
    public async Task<Outcome<EmailPreview>> Preview(Caller caller, EmailPreviewRequest request, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return InboxUseCases.Forbidden;
        if (request.Channel is not EmailChannel channel)
            return Problem.Invalid("channel.kind", "Only a team e-mail channel has a from-name and a signature: use \"kind\":\"email\".");
        var directory = await directories.Load(caller.AccountId, ct);
        var checkedChannel = new Validation();
        EmailChannelRules.Check(checkedChannel, channel, directory);
        List<FieldError> errors = [.. checkedChannel.Errors.Select(e => e with { Field = $"channel.{e.Field}" })];
        if (string.IsNullOrWhiteSpace(request.UserId)) errors.Add(new FieldError("userId", "Name the user whose reply to preview."));
        if (errors.Count > 0) return Problem.Invalid(errors);
        if (directory.FindUser(request.UserId) is not { } user) return UserNotFound;

        var fromName = ReplyMailRules.FromName(channel, user);
        var signature = replies.Signature(channel, user);
        var sample = replies.Body(channel, user, EmailPreviewRules.SampleText);
        return new EmailPreview(EmailPreviewRules.From(channel.Address, fromName), fromName, signature.Html, signature.Text, sample.Html, sample.Text);
    }
}
