using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Application.Setup;

// What the steps of SetupWizard (Setup/Activities/) take and return: an activity's input and output travel as JSON. The
// inbox's and the channel's ids derive from the wizard's, so each activity run again (a retry, a review confirmed again)
// finds what an earlier run made instead of making it twice.

/// <summary>What a confirmed review creates, on behalf of the admin who confirmed it.</summary>
public sealed record WizardCreation(string WizardId, string AccountId, string UserId, InboxSettings Inbox, ChannelSettings Channel);

/// <summary>The inbox and channel made, or the problem that stopped it (<see cref="AtChannel"/>: at connecting the channel).</summary>
public sealed record WizardCreated(string? InboxId, string? ChannelId, Problem? Problem = null, bool AtChannel = false);

public sealed record ChannelHandshake(string AccountId, string InboxId, Channel Channel);

public sealed record WizardDiscard(string WizardId, string AccountId, string UserId);
