using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application;

/// <summary>Reading the attachments of an inbox's mail: whoever may read its conversations may read their files.</summary>
public sealed class AttachmentUseCases(IInboxStore inboxes, IDirectoryStore directories, IAttachmentStore attachments)
{
    private static readonly Problem AttachmentNotFound = Problem.NotFound("The attachment");

    /// <summary>
    /// Opens the attachment for a caller who can see the inbox (<see cref="Access.CanSee"/>, as reading its conversations);
    /// an inbox of another account, one the caller cannot see, and an attachment it does not hold are all the same 404,
    /// so an id says nothing to someone who may not read it.
    /// </summary>
    public async Task<Outcome<StoredAttachment>> Open(Caller caller, string inboxId, string attachmentId, CancellationToken ct)
    {
        if (!AttachmentRules.IsId(attachmentId)) return AttachmentNotFound;
        if (await inboxes.FindByRequest(caller.AccountId, inboxId, ct) is not { } inbox) return InboxUseCases.NotFound;
        if (!caller.IsAdmin && !Access.CanSee(caller, inbox.Value, await directories.Load(caller.AccountId, ct))) return InboxUseCases.NotFound;
        return await attachments.Open(caller.AccountId, inboxId, attachmentId, ct) is { } found ? found : AttachmentNotFound;
    }
}
