using InboxServerless.Core.Application.Setup.Activities;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using Microsoft.DurableTask;

namespace InboxServerless.Core.Application.Setup;

/// <summary>What a wizard starts with: whose it is, and its timings (tests shorten them).</summary>
public sealed record WizardStart
{
    public required string AccountId { get; init; }
    public required string UserId { get; init; }

    /// <summary>A wizard with no accepted step for this long expires and leaves nothing behind.</summary>
    public TimeSpan IdleTimeout { get; init; } = WizardRules.DefaultIdleTimeout;

    /// <summary>The first wait before an activity is retried; each next wait doubles.</summary>
    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The "step" event: a validated step and the admin who submitted it (on whose behalf the inbox is created); or, with
/// <see cref="Refusal"/>, a step the API refused, only to be shown as the wizard's last error.
/// </summary>
public sealed record WizardStep(string UserId, StepInput Input, Problem? Refusal = null);

public sealed record WizardOutcome(WizardStatus Status, string? InboxId, string? ChannelId);

/// <summary>
/// The setup wizard of one inbox. It keeps its state in memory (rebuilt by replay) and publishes it as the custom status;
/// it waits for "step" and "cancel" events, or for the idle timer. Steps arrive validated (<see cref="SetupWizardUseCases"/>);
/// the wizard applies them with the same pure rules. A confirmed review creates the inbox and connects its channel, each an
/// activity retried with backoff and idempotent; a failure is shown on the status and sends the wizard back to the step that
/// fixes it. Cancel and expiry end the wizard with nothing created.
/// </summary>
public sealed class SetupWizard : TaskOrchestrator<WizardStart, WizardOutcome>
{
    public const string StepEvent = "step";
    public const string CancelEvent = "cancel";

    public const int MaxAttempts = 5;

    public override async Task<WizardOutcome> RunAsync(TaskOrchestrationContext context, WizardStart start)
    {
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(MaxAttempts, start.FirstRetryInterval, backoffCoefficient: 2,
            maxRetryInterval: start.FirstRetryInterval * 16));
        var state = WizardRules.Begin(context.InstanceId, start.AccountId, start.UserId, Now(context), start.IdleTimeout);
        context.SetCustomStatus(state.Published());

        // One waiter per event for the whole run, renewed only once it fired: a cancelled waiter could swallow an event.
        var step = context.WaitForExternalEvent<WizardStep>(StepEvent);
        var cancel = context.WaitForExternalEvent<string?>(CancelEvent);
        var attempted = false;
        while (true)
        {
            using var idle = new CancellationTokenSource();
            var timer = context.CreateTimer(state.ExpiresAt.UtcDateTime, idle.Token);
            var first = await Task.WhenAny(step, cancel, timer);
            if (first == timer) return await End(context, state, WizardStatus.Expired, attempted ? start.UserId : null, retry);
            idle.Cancel();
            if (first == cancel) return await End(context, state, WizardStatus.Cancelled, attempted ? await cancel ?? start.UserId : null, retry);

            var submitted = await step;
            step = context.WaitForExternalEvent<WizardStep>(StepEvent);
            Outcome<WizardState> applied = submitted.Refusal is { } refusal ? refusal : WizardRules.Apply(state, submitted.Input, Now(context));
            state = applied.IsSuccess ? applied.Value! : WizardRules.Refused(state, submitted.Input.Step, applied.Problem!, Now(context));
            context.SetCustomStatus(state.Published());
            if (state.Status != WizardStatus.Creating) continue;

            attempted = true;
            state = await Create(context, state, submitted.UserId, retry);
            context.SetCustomStatus(state.Published());
            if (state.Status == WizardStatus.Created) return new WizardOutcome(WizardStatus.Created, state.InboxId, state.ChannelId);
        }
    }

    private static async Task<WizardState> Create(TaskOrchestrationContext context, WizardState state, string userId, TaskOptions retry)
    {
        var channel = state.Channel!;
        var request = new WizardCreation(state.Id, state.AccountId, userId, WizardRules.InboxSettingsOf(state), channel);
        WizardCreated created;
        try
        {
            created = await context.CallActivityAsync<WizardCreated>(nameof(SetupWizardCreateInbox), request, retry);
        }
        catch (TaskFailedException e)
        {
            return WizardRules.CreateFailed(state, WizardStepName.Review, Failure("The inbox could not be created.", e), Now(context));
        }

        if (created.Problem is { } problem)
            return WizardRules.CreateFailed(state, WizardRules.StepOf(problem, created.AtChannel, channel), problem, Now(context));

        if (WizardRules.NeedsHandshake(channel))
        {
            try
            {
                await context.CallActivityAsync<bool>(nameof(SetupWizardConnectChannel),
                    new ChannelHandshake(state.AccountId, created.InboxId!, new Channel(created.ChannelId!, channel, Now(context))), retry);
            }
            catch (TaskFailedException e)
            {
                // The inbox and its channel stay: confirming the review again retries the handshake; cancelling removes them.
                return WizardRules.CreateFailed(state, WizardStepName.Review, Failure("The channel could not be connected.", e), Now(context));
            }
        }

        return WizardRules.Created(state, created.InboxId!, created.ChannelId!, Now(context));
    }

    /// <summary>Ends the wizard; removes what an unfinished creation may have left (<paramref name="discardAs"/> set).</summary>
    private static async Task<WizardOutcome> End(
        TaskOrchestrationContext context, WizardState state, WizardStatus status, string? discardAs, TaskOptions retry)
    {
        if (discardAs is not null)
        {
            try
            {
                await context.CallActivityAsync<bool>(nameof(SetupWizardDiscardInbox), new WizardDiscard(state.Id, state.AccountId, discardAs), retry);
            }
            catch (TaskFailedException e)
            {
                state = state with { LastError = WizardError.From(WizardStepName.Review, Failure("The inbox made by an earlier attempt could not be removed.", e), Now(context)) };
            }
        }

        context.SetCustomStatus(WizardRules.Ended(state, status, Now(context)).Published());
        return new WizardOutcome(status, null, null);
    }

    private static Problem Failure(string title, TaskFailedException e) =>
        new(ProblemKind.Unavailable, title, e.FailureDetails.ErrorMessage);

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);
}
