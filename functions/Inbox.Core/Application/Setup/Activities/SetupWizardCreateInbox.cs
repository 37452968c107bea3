using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Setup.Activities;

/// <summary>
/// Creates the wizard's inbox and connects its channel, through the same use cases (and rules) as the CRUD endpoints. A
/// rule's refusal (a taken name or address, a user gone from the directory) is returned, not thrown, and leaves no inbox.
/// Named for the wizard: the HTTP function that creates an inbox is <c>CreateInbox</c>.
/// </summary>
public sealed class SetupWizardCreateInbox(InboxUseCases inboxes) : DurableActivity<WizardCreation, WizardCreated>
{
    public override async Task<WizardCreated> Run(WizardCreation request, CancellationToken ct)
    {
        var caller = WizardCaller.OnBehalfOf(request.AccountId, request.UserId);
        var inboxId = WizardRules.InboxIdOf(request.WizardId);
        var channelId = WizardRules.ChannelIdOf(request.WizardId);

        // An earlier attempt may have left an inbox made from what the wizard held then: start again from nothing.
        if (await inboxes.Get(caller, inboxId, ct) is { IsSuccess: true } earlier && !Matches(earlier.Value!.Value, request, channelId))
            await inboxes.Delete(caller, inboxId, ifMatch: null, ct);

        var inbox = await inboxes.Create(caller, inboxId, request.Inbox, ct);
        if (!inbox.IsSuccess) return new WizardCreated(null, null, inbox.Problem);

        var channel = await inboxes.ConnectChannel(caller, inboxId, channelId, request.Channel, ct);
        if (channel.IsSuccess) return new WizardCreated(inboxId, channelId);

        // Nothing half made stays behind: the wizard goes back to the channel, and the next review starts afresh.
        var removed = await inboxes.Delete(caller, inboxId, ifMatch: null, ct);
        if (!removed.IsSuccess) throw new InvalidOperationException($"Inbox {inboxId} could not be removed: {removed.Problem!.Title}");
        return new WizardCreated(null, null, channel.Problem, AtChannel: true);
    }

    private static bool Matches(Inbox inbox, WizardCreation request, string channelId)
    {
        var wanted = Inbox.Create(inbox.Id, inbox.AccountId, request.Inbox, inbox.CreatedAt);
        var same = Same(inbox with { Channels = [], UpdatedAt = inbox.CreatedAt }, wanted);
        return same && inbox.Channels.All(c => c.Id == channelId && Same(c.Settings, request.Channel));
    }

    private static bool Same<T>(T a, T b) => JsonSerializer.Serialize(a, InboxJson.Storage) == JsonSerializer.Serialize(b, InboxJson.Storage);
}
