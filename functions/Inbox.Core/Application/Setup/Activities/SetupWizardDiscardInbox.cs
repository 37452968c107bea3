using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Application.Setup.Activities;

/// <summary>Removes the inbox a cancelled or expired wizard made (with its channel binding), if any.</summary>
public sealed class SetupWizardDiscardInbox(InboxUseCases inboxes) : DurableActivity<WizardDiscard, bool>
{
    /// <returns><c>true</c> when there was an inbox to remove.</returns>
    public override async Task<bool> Run(WizardDiscard request, CancellationToken ct)
    {
        var deleted = await inboxes.Delete(WizardCaller.OnBehalfOf(request.AccountId, request.UserId), WizardRules.InboxIdOf(request.WizardId), ifMatch: null, ct);
        if (deleted.IsSuccess) return true;
        return deleted.Problem!.Kind == ProblemKind.NotFound
            ? false
            : throw new InvalidOperationException($"The wizard's inbox could not be removed: {deleted.Problem.Title}");
    }
}
