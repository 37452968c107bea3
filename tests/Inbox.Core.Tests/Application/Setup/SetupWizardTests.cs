using InboxServerless.Core.Application.Setup;
using InboxServerless.Core.Domain;
using Microsoft.DurableTask;
using Moq;

namespace InboxServerless.Core.Tests.Application.Setup;

/// <summary>
/// The setup wizard's decisions, on a mocked <see cref="TaskOrchestrationContext"/>: the steps it is sent are answered one
/// after the other; once they run out, the wizard is left idle (its timer fires) or cancelled. The activities are answered
/// by name; what they do is tested against the database (Inbox.Azure.Tests).
/// </summary>
public sealed class SetupWizardTests
{
    private const string WizardId = "wizard-1";
    private static readonly DateTime Now = new(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc);
    private static readonly WizardStart Start = new() { AccountId = "acct-1", UserId = "ann", IdleTimeout = TimeSpan.FromMinutes(30) };

    private static readonly ChatChannel Chat = TestData.Chat();
    private static readonly MessengerChannel Page = TestData.Messenger();

    private readonly Mock<TaskOrchestrationContext> context = new();
    private readonly Queue<WizardStep> steps = new();
    private readonly TaskCompletionSource<string?> cancel = new();
    private readonly List<WizardState> statuses = [];
    private readonly List<DateTime> timers = [];
    private bool cancelWhenIdle;
    private bool idle;

    public SetupWizardTests()
    {
        context.SetupGet(c => c.InstanceId).Returns(WizardId);
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(Now);
        context.Setup(c => c.SetCustomStatus(It.IsAny<object?>())).Callback((object? status) => statuses.Add((WizardState)status!));
        context.Setup(c => c.WaitForExternalEvent<WizardStep>(SetupWizard.StepEvent, It.IsAny<CancellationToken>())).Returns(NextStep);
        context.Setup(c => c.WaitForExternalEvent<string?>(SetupWizard.CancelEvent, It.IsAny<CancellationToken>())).Returns(cancel.Task);
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns((DateTime fireAt, CancellationToken _) =>
        {
            timers.Add(fireAt);
            return idle && !cancelWhenIdle ? Task.CompletedTask : new TaskCompletionSource().Task;
        });
    }

    /// <summary>The next step sent; once there is none, the wizard waits for ever (or is cancelled, if the test says so).</summary>
    private Task<WizardStep> NextStep()
    {
        if (steps.TryDequeue(out var step)) return Task.FromResult(step);
        idle = true;
        if (cancelWhenIdle) cancel.TrySetResult("bob");
        return new TaskCompletionSource<WizardStep>().Task;
    }

    private void Send(params StepInput[] inputs)
    {
        foreach (var input in inputs) steps.Enqueue(new WizardStep("ann", input));
    }

    private static StepInput[] AllSteps(ChannelSettings channel) =>
        [new NameInput("Support"), new MembersInput(InboxMembers.All), new ChannelInput(channel), new SettingsInput(channel), new ReviewInput(true)];

    private void Answer<T>(string activity, T result) =>
        context.Setup(c => c.CallActivityAsync<T>(activity, It.IsAny<object?>(), It.IsAny<TaskOptions?>())).ReturnsAsync(result);

    private void Fail<T>(string activity, string message) =>
        context.Setup(c => c.CallActivityAsync<T>(activity, It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ThrowsAsync(new TaskFailedException(activity, 1, new TaskFailureDetails("InvalidOperationException", message, null, null, null)));

    private Task<WizardOutcome> Run() => new SetupWizard().RunAsync(context.Object, Start);

    private IEnumerable<IInvocation> Activities =>
        context.Invocations.Where(call => call.Method.Name == nameof(TaskOrchestrationContext.CallActivityAsync));

    private IEnumerable<string> Called => Activities.Select(call => ((TaskName)call.Arguments[0]!).Name);

    private T InputOf<T>(string activity) =>
        Assert.IsType<T>(Assert.Single(Activities, call => ((TaskName)call.Arguments[0]!).Name == activity).Arguments[1]);

    private WizardState Last => statuses[^1];

    [Fact]
    public async Task A_wizard_taken_to_its_end_creates_the_inbox_and_a_chat_channel_needs_no_handshake()
    {
        Send(AllSteps(Chat));
        Answer("SetupWizardCreateInbox", new WizardCreated("inbox-1", "channel-1"));

        var outcome = await Run();

        Assert.Equal(new WizardOutcome(WizardStatus.Created, "inbox-1", "channel-1"), outcome);
        Assert.Equal(["SetupWizardCreateInbox"], Called);
        var creation = InputOf<WizardCreation>("SetupWizardCreateInbox");
        Assert.Equal((WizardId, "acct-1", "ann", "Support", Chat), (creation.WizardId, creation.AccountId, creation.UserId, creation.Inbox.Name, creation.Channel));
        Assert.Equal((WizardStatus.Created, "inbox-1", "channel-1"), (Last.Status, Last.InboxId, Last.ChannelId));
    }

    [Fact]
    public async Task Each_step_is_published_and_moves_the_wizard_to_the_next_missing_one()
    {
        Send(AllSteps(Chat));
        Answer("SetupWizardCreateInbox", new WizardCreated("inbox-1", "channel-1"));

        await Run();

        Assert.Equal(
            [WizardStepName.Name, WizardStepName.Members, WizardStepName.Channel, WizardStepName.Settings, WizardStepName.Review, WizardStepName.Review, WizardStepName.Review],
            statuses.Select(s => s.Step));
        Assert.Equal(
            [WizardStatus.Open, WizardStatus.Open, WizardStatus.Open, WizardStatus.Open, WizardStatus.Open, WizardStatus.Creating, WizardStatus.Created],
            statuses.Select(s => s.Status));
    }

    [Fact]
    public async Task A_page_is_connected_after_its_inbox_is_created()
    {
        Send(AllSteps(Page));
        Answer("SetupWizardCreateInbox", new WizardCreated("inbox-1", "channel-1"));
        Answer("SetupWizardConnectChannel", true);

        var outcome = await Run();

        Assert.Equal(WizardStatus.Created, outcome.Status);
        Assert.Equal(["SetupWizardCreateInbox", "SetupWizardConnectChannel"], Called);
        Assert.Equal(new ChannelHandshake("acct-1", "inbox-1", new Channel("channel-1", Page, Now)), InputOf<ChannelHandshake>("SetupWizardConnectChannel"));
    }

    [Fact]
    public async Task Each_activity_is_retried_from_the_starts_first_interval()
    {
        Send(AllSteps(Page));
        Answer("SetupWizardCreateInbox", new WizardCreated("inbox-1", "channel-1"));
        Answer("SetupWizardConnectChannel", true);

        await Run();

        Assert.All(Activities, call =>
        {
            var retry = Assert.IsType<TaskOptions>(call.Arguments[2]).Retry!.Policy!;
            Assert.Equal((SetupWizard.MaxAttempts, Start.FirstRetryInterval), (retry.MaxNumberOfAttempts, retry.FirstRetryInterval));
        });
    }

    [Fact]
    public async Task An_idle_wizard_expires_when_its_timer_fires_and_leaves_nothing()
    {
        Send(new NameInput("Support"));

        var outcome = await Run();

        Assert.Equal(new WizardOutcome(WizardStatus.Expired, null, null), outcome);
        Assert.Empty(Called);
        Assert.Equal(WizardStatus.Expired, Last.Status);
        Assert.All(timers, fireAt => Assert.Equal(Now + Start.IdleTimeout, fireAt));
    }

    [Fact]
    public async Task A_wizard_cancelled_before_any_attempt_removes_nothing()
    {
        cancelWhenIdle = true;
        Send(new NameInput("Support"), new MembersInput(InboxMembers.All));

        var outcome = await Run();

        Assert.Equal(new WizardOutcome(WizardStatus.Cancelled, null, null), outcome);
        Assert.Empty(Called);
        Assert.Equal((WizardStatus.Cancelled, "Support"), (Last.Status, Last.Name));
    }

    [Fact]
    public async Task A_refused_step_is_shown_as_the_last_error_and_changes_nothing_else()
    {
        Send(new NameInput("Support"));
        steps.Enqueue(new WizardStep("ann", new MembersInput(InboxMembers.All), Problem.Invalid("members", "Unknown user.")));

        await Run();

        var refused = statuses[^2];
        Assert.Equal((WizardStepName.Members, "members"), (refused.LastError!.Step, Assert.Single(refused.LastError.Errors!).Field));
        Assert.Null(refused.Members);
        Assert.Equal(WizardStepName.Members, refused.Step);
    }

    [Fact]
    public async Task A_step_beyond_the_current_one_is_refused_by_the_wizards_own_rules()
    {
        Send(new ChannelInput(Chat));

        await Run();

        var refused = statuses[^2];
        Assert.Equal((WizardStepName.Name, WizardStepName.Channel), (refused.Step, refused.LastError!.Step));
        Assert.Null(refused.Channel);
    }

    [Fact]
    public async Task A_name_taken_meanwhile_sends_the_wizard_back_to_the_name_and_an_idle_end_discards_the_attempt()
    {
        Send(AllSteps(Chat));
        Answer("SetupWizardCreateInbox", new WizardCreated(null, null, Problem.Conflict("An inbox named 'Support' exists.")));
        Answer("SetupWizardDiscardInbox", true);

        var outcome = await Run();

        var failed = statuses[^2];
        Assert.Equal((WizardStatus.Open, WizardStepName.Name), (failed.Status, failed.Step));
        Assert.Equal("An inbox named 'Support' exists.", failed.LastError!.Detail);
        Assert.Equal(WizardStatus.Expired, outcome.Status);
        Assert.Equal(["SetupWizardCreateInbox", "SetupWizardDiscardInbox"], Called);
        Assert.Equal(new WizardDiscard(WizardId, "acct-1", "ann"), InputOf<WizardDiscard>("SetupWizardDiscardInbox"));
    }

    [Fact]
    public async Task A_creation_that_keeps_failing_is_shown_on_the_review_and_a_cancel_discards_it_as_the_canceller()
    {
        cancelWhenIdle = true;
        Send(AllSteps(Chat));
        Fail<WizardCreated>("SetupWizardCreateInbox", "store down");
        Answer("SetupWizardDiscardInbox", true);

        var outcome = await Run();

        var failed = statuses[^2];
        Assert.Equal((WizardStatus.Open, WizardStepName.Review), (failed.Status, failed.LastError!.Step));
        Assert.Equal(("The inbox could not be created.", "store down"), (failed.LastError.Title, failed.LastError.Detail));
        Assert.Equal(WizardStatus.Cancelled, outcome.Status);
        Assert.Equal(new WizardDiscard(WizardId, "acct-1", "bob"), InputOf<WizardDiscard>("SetupWizardDiscardInbox"));
    }

    [Fact]
    public async Task A_failed_handshake_keeps_the_inbox_and_the_next_review_tries_again()
    {
        Send([.. AllSteps(Page), new ReviewInput(true)]);
        Answer("SetupWizardCreateInbox", new WizardCreated("inbox-1", "channel-1"));
        context.SetupSequence(c => c.CallActivityAsync<bool>("SetupWizardConnectChannel", It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ThrowsAsync(new TaskFailedException("SetupWizardConnectChannel", 2, new TaskFailureDetails("HttpRequestException", "Meta is down", null, null, null)))
            .ReturnsAsync(true);

        var outcome = await Run();

        Assert.Equal(new WizardOutcome(WizardStatus.Created, "inbox-1", "channel-1"), outcome);
        Assert.Equal(["SetupWizardCreateInbox", "SetupWizardConnectChannel", "SetupWizardCreateInbox", "SetupWizardConnectChannel"], Called.ToList());
        var failed = Assert.Single(statuses, s => s.LastError is not null);
        Assert.Equal(("The channel could not be connected.", "Meta is down"), (failed.LastError!.Title, failed.LastError.Detail));
    }

    [Fact]
    public async Task What_could_not_be_discarded_is_shown_on_the_ended_wizard()
    {
        Send(AllSteps(Page));
        Answer("SetupWizardCreateInbox", new WizardCreated("inbox-1", "channel-1"));
        Fail<bool>("SetupWizardConnectChannel", "Meta is down");
        Fail<bool>("SetupWizardDiscardInbox", "store down");

        var outcome = await Run();

        Assert.Equal(WizardStatus.Expired, outcome.Status);
        Assert.Equal(WizardStatus.Expired, Last.Status);
        Assert.Equal(("The inbox made by an earlier attempt could not be removed.", "store down"), (Last.LastError!.Title, Last.LastError.Detail));
    }
}
