using System.Diagnostics;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace InboxServerless.Core.Application.Setup;

public sealed record SetupWizardOptions
{
    public TimeSpan IdleTimeout { get; init; } = WizardRules.DefaultIdleTimeout;
    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a submitted step (or a cancel) waits for the wizard to apply it, and a confirmed review for the inbox to be
    /// created, before the answer is "accepted" with the state the wizard is moving to.
    /// </summary>
    public TimeSpan SettleWait { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>A step's or a cancel's answer: the wizard's state, and whether the wizard has applied it already.</summary>
public sealed record SubmittedStep(WizardState State, bool Settled);

/// <summary>
/// The admin's use cases of the setup wizard, over the Durable Task client: start, submit a step, read, cancel. A wizard
/// of another account does not exist for the caller; within the account, only admins may use wizards. A step is validated
/// here, against the wizard's published state, with the same rules the wizard applies: an invalid step is answered at once
/// and the wizard is not told.
/// </summary>
public sealed class SetupWizardUseCases(IDirectoryStore directories, TimeProvider clock, ISecretStore secrets, SetupWizardOptions? options = null)
{
    /// <summary>Wizard ids are this and 32 hex digits: nothing else (a routing instance) can be addressed as a wizard.</summary>
    public const string IdPrefix = "setup-";

    private readonly SetupWizardOptions settings = options ?? new();

    private static readonly Problem WizardNotFound = Problem.NotFound("The setup wizard");

    private static readonly Problem WizardGone = Problem.NotFound("The setup wizard") with
    {
        Detail = "It was cancelled or expired and left nothing behind; start a new one.",
    };

    public async Task<Outcome<WizardState>> Start(DurableTaskClient client, Caller caller, CancellationToken ct)
    {
        if (!Access.CanAdminister(caller, caller.AccountId)) return InboxUseCases.Forbidden;
        var id = IdPrefix + Guid.CreateVersion7().ToString("N");
        var start = new WizardStart
        {
            AccountId = caller.AccountId,
            UserId = caller.UserId,
            IdleTimeout = settings.IdleTimeout,
            FirstRetryInterval = settings.FirstRetryInterval,
        };
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(SetupWizard), start, new StartOrchestrationOptions(id), ct);
        return WizardRules.Begin(id, caller.AccountId, caller.UserId, clock.GetUtcNow(), settings.IdleTimeout);
    }

    public async Task<Outcome<WizardState>> Get(DurableTaskClient client, Caller caller, string id, CancellationToken ct) =>
        await Find(client, caller, id, ct);

    /// <summary>
    /// Hands over the admin's Facebook token for the wizard's Messenger page. It is kept as a secret until the review
    /// connects the page (<see cref="MessengerChannelConnector"/>), never in the wizard's state, which is visible.
    /// </summary>
    public async Task<Outcome<WizardState>> AuthorizeMessengerPage(
        DurableTaskClient client, Caller caller, string id, PageAuthorization authorization, CancellationToken ct)
    {
        var found = await Find(client, caller, id, ct);
        if (!found.IsSuccess) return found;
        if (WizardRules.CheckOpen(found.Value!) is { } closed) return closed;
        if (string.IsNullOrWhiteSpace(authorization.UserAccessToken)) return Problem.Invalid("userAccessToken", "Give a Facebook user access token.");
        await secrets.Set(MessengerChannelConnector.AuthorizationSecret(WizardRules.InboxIdOf(id)), authorization.UserAccessToken, ct);
        return found;
    }

    public async Task<Outcome<SubmittedStep>> SubmitStep(DurableTaskClient client, Caller caller, string id, StepInput input, CancellationToken ct)
    {
        var found = await Find(client, caller, id, ct);
        if (!found.IsSuccess) return found.Problem!;
        var next = WizardRules.Submit(found.Value!, input, await directories.Load(caller.AccountId, ct), clock.GetUtcNow());
        if (!next.IsSuccess) return await ShowRefusal(client, caller, found.Value!, input, next.Problem!, ct);

        await client.RaiseEventAsync(id, SetupWizard.StepEvent, new WizardStep(caller.UserId, input), ct);
        var expected = next.Value!.Version;
        var settled = await Settle(client, id, s => s.Version >= expected && s.Status != WizardStatus.Creating, ct);
        return settled is null ? new SubmittedStep(next.Value.Published(), false) : new SubmittedStep(settled, true);
    }

    public async Task<Outcome<SubmittedStep>> Cancel(DurableTaskClient client, Caller caller, string id, CancellationToken ct)
    {
        var found = await Find(client, caller, id, ct);
        if (!found.IsSuccess) return found.Problem!;
        var state = found.Value!;
        switch (state.Status)
        {
            case WizardStatus.Created:
                return Problem.Conflict("The inbox was created; the wizard is over. Delete the inbox to undo it.");
            case WizardStatus.Creating:
                return Problem.Conflict("The inbox is being created; cancel once the wizard shows it failed, or delete the inbox it made.");
            case WizardStatus.Failed:
                return new SubmittedStep(state, true);
        }

        await client.RaiseEventAsync(id, SetupWizard.CancelEvent, caller.UserId, ct);
        var settled = await Settle(client, id, s => s.Status is not (WizardStatus.Open or WizardStatus.Creating), ct);
        return settled is null
            ? new SubmittedStep(WizardRules.Ended(state, WizardStatus.Cancelled, clock.GetUtcNow()), false)
            : new SubmittedStep(settled, true);
    }

    /// <summary>
    /// Tells an open wizard of a step the API refused, so that the wizard shows it as its last error (to another browser
    /// too), and waits a moment for it to be shown; the step itself changes nothing.
    /// </summary>
    private async Task<Problem> ShowRefusal(DurableTaskClient client, Caller caller, WizardState state, StepInput input, Problem problem, CancellationToken ct)
    {
        if (state.Status != WizardStatus.Open) return problem;
        await client.RaiseEventAsync(state.Id, SetupWizard.StepEvent, new WizardStep(caller.UserId, input, problem), ct);
        await Settle(client, state.Id, s => s.Version > state.Version, ct);
        return problem;
    }

    public static bool IsWizardId(string id) =>
        id.Length == IdPrefix.Length + 32 && id.StartsWith(IdPrefix, StringComparison.Ordinal) && id[IdPrefix.Length..].All(char.IsAsciiHexDigitLower);

    private async Task<Outcome<WizardState>> Find(DurableTaskClient client, Caller caller, string id, CancellationToken ct)
    {
        if (!IsWizardId(id)) return WizardNotFound;
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        if (instance is null || instance.Name != nameof(SetupWizard) || instance.ReadInputAs<WizardStart>() is not { } start ||
            start.AccountId != caller.AccountId)
            return WizardNotFound;
        if (!Access.CanAdminister(caller, start.AccountId)) return InboxUseCases.Forbidden;

        // Until the wizard first runs, it has published nothing: it is at its beginning.
        var state = instance.ReadCustomStatusAs<WizardState>() ??
                    WizardRules.Begin(id, start.AccountId, start.UserId, instance.CreatedAt, start.IdleTimeout);
        if (WizardRules.IsGone(state)) return WizardGone;
        if (state.Status is not (WizardStatus.Open or WizardStatus.Creating)) return state;
        // Ended without saying so (it failed, or was terminated by an operator): it is over all the same.
        return instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Failed => state with
            {
                Status = WizardStatus.Failed,
                LastError = new WizardError(state.Step, "The wizard failed.", instance.FailureDetails?.ErrorMessage, null, instance.LastUpdatedAt),
            },
            OrchestrationRuntimeStatus.Terminated => WizardGone,
            _ => state,
        };
    }

    /// <summary>Waits, at most <see cref="SetupWizardOptions.SettleWait"/>, for the wizard's published state to satisfy <paramref name="done"/>.</summary>
    private async Task<WizardState?> Settle(DurableTaskClient client, string id, Func<WizardState, bool> done, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
            if (instance?.ReadCustomStatusAs<WizardState>() is { } state && done(state)) return state;
            if (Stopwatch.GetElapsedTime(started) + pause > settings.SettleWait) return null;
            await Task.Delay(pause, ct);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
        }
    }
}
