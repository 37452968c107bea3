using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application;

/// <summary>A file uploaded for a reply, as the upload answers it: the id a reply names it by, and where it is served.</summary>
public sealed record UploadedAttachment(string Id, string Name, string ContentType, long Size, string Url);

/// <summary>
/// Reading the attachments of an inbox's mail: whoever may read its conversations may read their files. Uploading a file
/// for a reply: whoever may reply (the inbox's members).
/// </summary>
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

    /// <summary>
    /// Stores a file a member uploads, for a reply to name by its id. Access and the name are checked before
    /// <paramref name="readBody"/> reads the bytes (at most <see cref="AttachmentRules.MaxReplyBytes"/>), so a stranger's
    /// upload is not taken in. The type is kept only when well formed (otherwise bytes): it is what the mail declares.
    /// The same file uploaded twice is one blob under one id.
    /// </summary>
    public async Task<Outcome<UploadedAttachment>> Upload(
        Caller caller, string inboxId, string? name, string? contentType, Func<int, Task<Outcome<ReadOnlyMemory<byte>>>> readBody, CancellationToken ct)
    {
        var acting = await ConversationUseCases.Acting(inboxes, directories, caller, inboxId, ct);
        if (!acting.IsSuccess) return acting.Problem!;
        if (AttachmentRules.NameProblem(name) is { } wrong) return Problem.Invalid("name", wrong);
        var body = await readBody(AttachmentRules.MaxReplyBytes);
        if (!body.IsSuccess) return body.Problem!;
        if (body.Value.IsEmpty) return Problem.Invalid("$", "The file is empty.");

        // Spaces around a name are a client's slip, not part of the name (RFC 6266 §4.3 strips them too).
        var content = new AttachmentContent(name!.Trim(), AttachmentRules.ServedType(contentType ?? ""), IsInline: false, body.Value);
        var id = AttachmentRules.Id(content);
        await attachments.Put(caller.AccountId, inboxId, id, content, ct);
        return new UploadedAttachment(id, content.Name, content.ContentType, content.Bytes.Length, AttachmentRules.Url(inboxId, id));
    }
}
