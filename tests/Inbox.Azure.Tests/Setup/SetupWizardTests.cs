using System.Linq.Expressions;
using InboxServerless.Azure.Cosmos;
using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Setup;
using InboxServerless.Core.Application.Setup.Activities;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using InboxServerless.Local;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace InboxServerless.Azure.Tests.Setup;

/// <summary>The setup wizard end to end on the Durable Task engine, in process, over the Cosmos emulator.</summary>
[Collection(CosmosCollection.Name)]
public sealed class SetupWizardTests(CosmosFixture cosmos) : IAsyncLifetime
{
    private const string Account = "acme";

    private static readonly Caller Admin = new(Account, "admin", new HashSet<Role> { Role.Member, Role.AccountAdmin });
    private static readonly Caller Member = new(Account, "ann", new HashSet<Role> { Role.Member });
    private static readonly Caller OtherAdmin = new("globex", "admin", new HashSet<Role> { Role.Member, Role.AccountAdmin });

    private readonly CosmosContainers containers = cosmos.NewDatabase();
    private readonly Mock<IChannelConnector> connector = new();
    private readonly InMemorySecretStore secrets = new();
    private FlakyInboxStore inboxStore = null!;
    private DurableTaskTestHost host = null!;
    private InboxUseCases admin = null!;
    private SetupWizardUseCases wizards = null!;

    private DurableTaskClient Client => host.Client;

    public async Task InitializeAsync()
    {
        // The provider takes every handshake and has nothing to update or undo, until a test says it is down.
        connector.Setup(c => c.Update(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<Channel>(), It.IsAny<Channel>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(false);
        inboxStore = new FlakyInboxStore(new CosmosInboxStore(containers));
        host = await DurableTaskTestHost.StartAsync(DurableTasks.Register, new DurableTaskTestHostOptions
        {
            Port = LoopbackPorts.Free(),
            ConfigureServices = services =>
            {
                services.AddSingleton(containers);
                services.AddSingleton(TimeProvider.System);
                services.AddSingleton<IInboxStore>(inboxStore);
                services.AddSingleton<IChannelBindingStore, CosmosChannelBindingStore>();
                services.AddSingleton<IDirectoryStore, CosmosDirectoryStore>();
                services.AddSingleton(connector.Object);
                services.AddSingleton<ISecretStore>(secrets);
                services.AddSingleton(sp => ActivatorUtilities.CreateInstance<InboxUseCases>(sp));
            },
        });
        admin = host.Services.GetRequiredService<InboxUseCases>();
        wizards = Desk(TimeSpan.FromMinutes(10));
        var directory = new CosmosDirectoryStore(containers);
        await directory.Save(new User("ann", Account, "Ann", "ann@acme.test", HasPaidSeat: true, IsSuperAdmin: false), default);
        await directory.Save(new User("bob", Account, "Bob", "bob@acme.test", HasPaidSeat: true, IsSuperAdmin: false), default);
        await directory.Save(new Team("support", Account, "Support", ["ann", "bob"]), default);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        containers.Dispose();
    }

    private SetupWizardUseCases Desk(TimeSpan idle) => new(new CosmosDirectoryStore(containers), TimeProvider.System, new InMemorySecretStore(), new SetupWizardOptions
    {
        IdleTimeout = idle,
        FirstRetryInterval = TimeSpan.FromMilliseconds(50),
        SettleWait = TimeSpan.FromSeconds(20),
    });

    // ---- helpers ----

    private async Task<string> Start()
    {
        var started = await wizards.Start(Client, Admin, default);
        Assert.True(started.IsSuccess, started.Problem?.Title);
        Assert.StartsWith(SetupWizardUseCases.IdPrefix, started.Value!.Id);
        return started.Value.Id;
    }

    private async Task<WizardState> Step(string id, StepInput input, Caller? caller = null)
    {
        var submitted = await wizards.SubmitStep(Client, caller ?? Admin, id, input, default);
        Assert.True(submitted.IsSuccess, $"{submitted.Problem?.Title} {submitted.Problem?.Detail}");
        Assert.True(submitted.Value!.Settled, "The wizard did not apply the step in time.");
        return submitted.Value.State;
    }

    private async Task<Problem> Refused(string id, StepInput input, Caller? caller = null)
    {
        var submitted = await wizards.SubmitStep(Client, caller ?? Admin, id, input, default);
        Assert.False(submitted.IsSuccess, "The step was accepted.");
        return submitted.Problem!;
    }

    private async Task<WizardState> State(string id, Caller? caller = null)
    {
        var state = await wizards.Get(Client, caller ?? Admin, id, default);
        Assert.True(state.IsSuccess, state.Problem?.Title);
        return state.Value!;
    }

    private static readonly MessengerChannel Page = new() { PageId = "4242", PageName = "Acme" };

    private static MessengerChannel RefinedPage(string pageId = "4242") => new()
    {
        PageId = pageId,
        PageName = "Acme",
        Greeting = "Hello!",
        InstantReply = new InstantReply { Enabled = true, Text = "We answer within the hour." },
        Routing = new Routing { Assignment = new Assignment { Mode = AssignmentMode.Specific, TeamIds = ["support"] } },
    };

    /// <summary>A wizard taken up to its review: name, support team, a Messenger page and its settings.</summary>
    private async Task<string> AtReview(string name = "Support", string pageId = "4242")
    {
        var id = await Start();
        await Step(id, new NameInput(name, "Europe/Paris"));
        await Step(id, new MembersInput(new InboxMembers { TeamIds = ["support"] }));
        await Step(id, new ChannelInput(Page with { PageId = pageId }));
        var state = await Step(id, new SettingsInput(RefinedPage(pageId)));
        Assert.Equal(WizardStepName.Review, state.Step);
        return id;
    }

    private async Task<IReadOnlyList<Inbox>> Inboxes() =>
        [.. (await inboxStore.List(Account, 100, null, default)).Items.Select(i => i.Value)];

    private Task<Versioned<ChannelBinding>?> Binding(string pageId) =>
        new CosmosChannelBindingStore(containers).Find(new ChannelBindingKey(ChannelKind.Messenger, pageId).Value, default);

    private async Task<OrchestrationMetadata> Ended(string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
    }

    // ---- the happy path ----

    [Fact]
    public async Task A_wizard_taken_to_its_end_creates_the_inbox_with_its_channel()
    {
        var id = await Start();
        Assert.Equal((WizardStatus.Open, WizardStepName.Name), ((await State(id)).Status, (await State(id)).Step));

        Assert.Equal(WizardStepName.Members, (await Step(id, new NameInput("Support", "Europe/Paris"))).Step);
        Assert.Equal(WizardStepName.Channel, (await Step(id, new MembersInput(new InboxMembers { TeamIds = ["support"] }))).Step);
        Assert.Equal(WizardStepName.Settings, (await Step(id, new ChannelInput(Page))).Step);
        Assert.Equal(WizardStepName.Review, (await Step(id, new SettingsInput(RefinedPage()))).Step);
        var created = await Step(id, new ReviewInput(true));

        Assert.Equal(WizardStatus.Created, created.Status);
        Assert.Equal((WizardRules.InboxIdOf(id), WizardRules.ChannelIdOf(id)), (created.InboxId, created.ChannelId));
        var inbox = Assert.Single(await Inboxes());
        Assert.Equal((created.InboxId, "Support", "Europe/Paris"), (inbox.Id, inbox.Name, inbox.TimeZone));
        Assert.Equal(["support"], inbox.Members.TeamIds);
        var channel = Assert.Single(inbox.Channels);
        Assert.Equal(created.ChannelId, channel.Id);
        Assert.Equal("Hello!", Assert.IsType<MessengerChannel>(channel.Settings).Greeting);
        var binding = (await Binding("4242"))!.Value;
        Assert.Equal((inbox.Id, channel.Id), (binding.InboxId, binding.ChannelId));
        Assert.Equal(1, HandshakeCalls); // a Messenger page needs its handshake

        var ended = await Ended(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        Assert.Equal(new WizardOutcome(WizardStatus.Created, inbox.Id, channel.Id), ended.ReadOutputAs<WizardOutcome>());
        Assert.Equal(WizardStatus.Created, (await State(id)).Status);
        // The handshake connected the page with the admin's token: that proves it, so the page routes.
        Assert.Equal(OwnershipState.Proven, Assert.Single(Assert.Single(await Inboxes()).Channels).Ownership?.State);
    }

    [Fact]
    public async Task A_channel_without_a_handshake_is_created_without_calling_the_connector()
    {
        var id = await Start();
        await Step(id, new NameInput("Forms"));
        await Step(id, new MembersInput(InboxMembers.All));
        await Step(id, new ChannelInput(new FormChannel { FormId = "contact" }));
        await Step(id, new SettingsInput(new FormChannel { FormId = "contact", Routing = new Routing { CreateContacts = false } }));

        var created = await Step(id, new ReviewInput(true));

        Assert.Equal(WizardStatus.Created, created.Status);
        Assert.Equal(0, HandshakeCalls);
    }

    [Fact]
    public async Task The_wizard_never_shows_the_slack_webhook_url_and_the_inbox_it_makes_keeps_it_as_a_secret()
    {
        const string url = "https://hooks.slack.com/services/T1/B1/SECRETSECRET";
        var id = await Start();
        var named = await Step(id, new NameInput("Alerts", Notifications: new InboxNotificationSettings { SlackWebhookUrl = url }));
        await Step(id, new MembersInput(InboxMembers.All));
        await Step(id, new ChannelInput(new FormChannel { FormId = "alerts" }));
        await Step(id, new SettingsInput(new FormChannel { FormId = "alerts" }));

        var created = await Step(id, new ReviewInput(true));

        foreach (var shown in new[] { named, await State(id), created })
            Assert.DoesNotContain("SECRETSECRET", System.Text.Json.JsonSerializer.Serialize(shown, Core.Json.InboxJson.Api));
        Assert.Equal(WizardStatus.Created, created.Status);
        Assert.Equal(new SlackWebhookState(true, "hooks.slack.com"), (await admin.Get(Admin, created.InboxId!, default)).Value!.Value.Notifications.Slack);
        Assert.Equal(url, await secrets.Get(SecretNames.SlackWebhook(created.InboxId!), default));
    }

    // ---- invalid steps ----

    [Fact]
    public async Task An_invalid_step_is_a_problem_naming_the_field_and_the_wizard_stays()
    {
        var id = await Start();
        await Step(id, new NameInput("Support"));
        var before = await State(id);

        var problem = await Refused(id, new MembersInput(new InboxMembers { UserIds = ["ghost"] }));

        Assert.Equal(ProblemKind.Invalid, problem.Kind);
        Assert.Equal("members.userIds", Assert.Single(problem.Errors!).Field);
        var after = await State(id);
        Assert.Equal((WizardStepName.Members, before.ExpiresAt), (after.Step, after.ExpiresAt)); // a refused step keeps nobody's wizard alive
        Assert.Null(after.Members);
        // Shown to whoever reads the wizard next, another browser too.
        Assert.Equal((WizardStepName.Members, "members.userIds"), (after.LastError?.Step, Assert.Single(after.LastError!.Errors!).Field));

        await Step(id, new MembersInput(InboxMembers.All));
        Assert.Null((await State(id)).LastError);
    }

    [Fact]
    public async Task A_step_after_the_current_one_is_refused()
    {
        var id = await Start();

        var problem = await Refused(id, new ChannelInput(Page));

        Assert.Equal(ProblemKind.Conflict, problem.Kind);
        Assert.Equal(WizardStepName.Name, (await State(id)).Step);
    }

    // ---- revisiting ----

    [Fact]
    public async Task Revisiting_a_step_keeps_the_wizard_where_it_was_unless_it_undoes_a_later_one()
    {
        var id = await AtReview();

        var renamed = await Step(id, new NameInput("Help desk"));
        Assert.Equal((WizardStepName.Review, "Help desk"), (renamed.Step, renamed.Name));

        var chat = await Step(id, new ChannelInput(new ChatChannel { WelcomeMessage = "Hi!" }));
        Assert.Equal(WizardStepName.Settings, chat.Step); // another kind: its settings are still to take
        Assert.Equal(ProblemKind.Conflict, (await Refused(id, new ReviewInput(true))).Kind);

        await Step(id, new SettingsInput(new ChatChannel { WelcomeMessage = "Hello there", AccentColor = "#112233" }));
        var created = await Step(id, new ReviewInput(true));

        Assert.Equal(WizardStatus.Created, created.Status);
        var inbox = Assert.Single(await Inboxes());
        Assert.Equal("Help desk", inbox.Name);
        Assert.Equal("#112233", Assert.IsType<ChatChannel>(Assert.Single(inbox.Channels).Settings).AccentColor);
        Assert.Null(await Binding("4242")); // the page chosen first was never bound
    }

    // ---- expiry and cancellation ----

    [Fact]
    public async Task An_idle_wizard_expires_and_leaves_nothing()
    {
        wizards = Desk(TimeSpan.FromSeconds(2));
        var id = await Start();
        await Step(id, new NameInput("Support"));

        var ended = await Ended(id);

        Assert.Equal(WizardStatus.Expired, ended.ReadOutputAs<WizardOutcome>()!.Status);
        Assert.Empty(await Inboxes());
        // Gone: as if it never existed.
        Assert.Equal(ProblemKind.NotFound, (await wizards.Get(Client, Admin, id, default)).Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, (await Refused(id, new NameInput("Again"))).Kind);
    }

    [Fact]
    public async Task A_cancelled_wizard_ends_and_leaves_nothing()
    {
        var id = await Start();
        await Step(id, new NameInput("Support"));

        var cancelled = await wizards.Cancel(Client, Admin, id, default);

        Assert.True(cancelled.Value!.Settled);
        Assert.Equal(WizardStatus.Cancelled, cancelled.Value.State.Status);
        Assert.Equal(WizardStatus.Cancelled, (await Ended(id)).ReadOutputAs<WizardOutcome>()!.Status);
        Assert.Empty(await Inboxes());
        // Gone: as if it never existed.
        Assert.Equal(ProblemKind.NotFound, (await wizards.Get(Client, Admin, id, default)).Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, (await Refused(id, new MembersInput(InboxMembers.All))).Kind);
        Assert.Equal(ProblemKind.NotFound, (await wizards.Cancel(Client, Admin, id, default)).Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound,
            (await wizards.AuthorizeMessengerPage(Client, Admin, id, new PageAuthorization("EAAB-token"), default)).Problem?.Kind);
    }

    [Fact]
    public async Task A_failed_handshake_is_shown_and_retried_on_the_next_review_or_undone_by_a_cancel()
    {
        FacebookIsDown();
        var id = await AtReview();

        var failed = await Step(id, new ReviewInput(true));

        Assert.Equal((WizardStatus.Open, WizardStepName.Review), (failed.Status, failed.Step));
        Assert.Equal("The channel could not be connected.", failed.LastError!.Title);
        Assert.Contains("Facebook is down", failed.LastError.Detail);
        Assert.Equal(SetupWizard.MaxAttempts, HandshakeCalls); // retried with backoff
        Assert.Single(await Inboxes()); // kept, so the next review only retries the handshake

        var cancelled = await wizards.Cancel(Client, Admin, id, default);

        Assert.Equal(WizardStatus.Cancelled, cancelled.Value!.State.Status);
        Assert.Empty(await Inboxes());
        Assert.Null(await Binding("4242"));
    }

    [Fact]
    public async Task A_handshake_that_recovers_completes_the_wizard_on_the_next_review()
    {
        FacebookIsDown();
        var id = await AtReview();
        Assert.NotNull((await Step(id, new ReviewInput(true))).LastError);
        connector.Setup(OnConnect).Returns(Task.CompletedTask);

        var created = await Step(id, new ReviewInput(true));

        Assert.Equal(WizardStatus.Created, created.Status);
        Assert.Null(created.LastError);
        Assert.Single(Assert.Single(await Inboxes()).Channels);
    }

    // ---- idempotent creation ----

    [Fact]
    public async Task Creating_twice_makes_one_inbox_and_binds_the_page_once()
    {
        var createInbox = ActivatorUtilities.CreateInstance<SetupWizardCreateInbox>(host.Services);
        var request = new WizardCreation("setup-0123456789abcdef0123456789abcdef", Account, "admin",
            new InboxSettings { Name = "Twice" }, RefinedPage("777"));

        var first = await createInbox.Run(request, default);
        var second = await createInbox.Run(request, default);

        Assert.Null(first.Problem);
        Assert.Equal(first, second);
        var inbox = Assert.Single(await Inboxes());
        Assert.Equal(first.ChannelId, Assert.Single(inbox.Channels).Id);
        Assert.Equal(first.ChannelId, (await Binding("777"))!.Value.ChannelId);
    }

    [Fact]
    public async Task An_activity_that_fails_after_writing_is_retried_into_one_inbox_with_one_channel()
    {
        var id = await AtReview();
        inboxStore.FailAfterNextReplace = true; // the channel is recorded, then the activity crashes

        var created = await Step(id, new ReviewInput(true));

        Assert.Equal(WizardStatus.Created, created.Status);
        Assert.False(inboxStore.FailAfterNextReplace);
        var inbox = Assert.Single(await Inboxes());
        Assert.Equal(created.ChannelId, Assert.Single(inbox.Channels).Id);
        Assert.Equal((inbox.Id, created.ChannelId), ((await Binding("4242"))!.Value.InboxId, (await Binding("4242"))!.Value.ChannelId));
    }

    [Fact]
    public async Task A_created_wizard_refuses_another_review()
    {
        var id = await AtReview();
        await Step(id, new ReviewInput(true));

        Assert.Equal(ProblemKind.Conflict, (await Refused(id, new ReviewInput(true))).Kind);
        Assert.Equal(ProblemKind.Conflict, (await wizards.Cancel(Client, Admin, id, default)).Problem?.Kind);
        Assert.Equal(ProblemKind.Conflict,
            (await wizards.AuthorizeMessengerPage(Client, Admin, id, new PageAuthorization("EAAB-token"), default)).Problem?.Kind);
        Assert.Single(await Inboxes());
    }

    // ---- conflicts at creation ----

    [Fact]
    public async Task A_name_taken_meanwhile_is_shown_and_sends_the_wizard_back_to_the_name()
    {
        var id = await AtReview(name: "Support");
        Assert.True((await admin.Create(Admin, new InboxSettings { Name = "support" }, default)).IsSuccess);

        var failed = await Step(id, new ReviewInput(true));

        Assert.Equal((WizardStatus.Open, WizardStepName.Name), (failed.Status, failed.Step));
        Assert.Equal(WizardStepName.Name, failed.LastError!.Step);
        Assert.Contains("already exists", failed.LastError.Detail);
        Assert.Single(await Inboxes()); // only the other one
        Assert.Null(await Binding("4242"));

        Assert.Equal(WizardStepName.Review, (await Step(id, new NameInput("Support 2"))).Step);
        Assert.Equal(WizardStatus.Created, (await Step(id, new ReviewInput(true))).Status);
        Assert.Equal(["Support 2", "support"], (await Inboxes()).Select(i => i.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_page_taken_meanwhile_sends_the_wizard_back_to_the_channel_and_leaves_no_inbox()
    {
        var id = await AtReview(pageId: "9090");
        var other = (await admin.Create(Admin, new InboxSettings { Name = "Other" }, default)).Value!.Value;
        Assert.True((await admin.ConnectChannel(Admin, other.Id, Page with { PageId = "9090" }, default)).IsSuccess);

        var failed = await Step(id, new ReviewInput(true));

        Assert.Equal((WizardStatus.Open, WizardStepName.Channel), (failed.Status, failed.Step));
        Assert.Contains("already connected", failed.LastError!.Detail);
        Assert.Equal(["Other"], (await Inboxes()).Select(i => i.Name));
        Assert.Equal(other.Id, (await Binding("9090"))!.Value.InboxId);

        await Step(id, new ChannelInput(Page with { PageId = "9191" })); // same kind: the settings stay
        Assert.Equal(WizardStatus.Created, (await Step(id, new ReviewInput(true))).Status);
    }

    // ---- who may ----

    [Fact]
    public async Task Only_admins_of_the_account_see_and_use_a_wizard()
    {
        var id = await Start();

        Assert.Equal(ProblemKind.Forbidden, (await wizards.Start(Client, Member, default)).Problem?.Kind);
        Assert.Equal(ProblemKind.Forbidden, (await wizards.Get(Client, Member, id, default)).Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, (await wizards.Get(Client, OtherAdmin, id, default)).Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, (await Refused(id, new NameInput("Mine"), OtherAdmin)).Kind);
        Assert.Equal(ProblemKind.NotFound, (await wizards.Cancel(Client, OtherAdmin, id, default)).Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, (await wizards.Get(Client, Admin, "setup-ffffffffffffffffffffffffffffffff", default)).Problem?.Kind);
        Assert.Equal(ProblemKind.NotFound, (await wizards.Get(Client, Admin, "not-a-wizard", default)).Problem?.Kind);
        Assert.Equal(WizardStatus.Open, (await State(id)).Status);
    }

    // ---- the provider, and a store that fails ----

    private static readonly Expression<Func<IChannelConnector, Task>> OnConnect =
        c => c.Connect(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<Channel>(), It.IsAny<CancellationToken>());

    private int HandshakeCalls => connector.Invocations.Count(call => call.Method.Name == nameof(IChannelConnector.Connect));

    private void FacebookIsDown() => connector.Setup(OnConnect).ThrowsAsync(new HttpRequestException("Facebook is down."));

    /// <summary>The Cosmos store, whose next replace can be made to throw once it has written (a crash after the write).</summary>
    private sealed class FlakyInboxStore(IInboxStore inner) : IInboxStore
    {
        public volatile bool FailAfterNextReplace;

        public Task<Outcome<Versioned<Inbox>>> Create(Inbox inbox, CancellationToken ct) => inner.Create(inbox, ct);

        public Task<Versioned<Inbox>?> Find(string accountId, string inboxId, CancellationToken ct) => inner.Find(accountId, inboxId, ct);

        public Task<Page<Versioned<Inbox>>> List(string accountId, int pageSize, string? continuationToken, CancellationToken ct) =>
            inner.List(accountId, pageSize, continuationToken, ct);

        public async Task<Outcome<Versioned<Inbox>>> Replace(Inbox inbox, string ifMatch, CancellationToken ct)
        {
            var replaced = await inner.Replace(inbox, ifMatch, ct);
            if (!FailAfterNextReplace) return replaced;
            FailAfterNextReplace = false;
            throw new TimeoutException("The connection dropped after the write.");
        }

        public Task<Outcome<bool>> Delete(string accountId, string inboxId, string? ifMatch, CancellationToken ct) =>
            inner.Delete(accountId, inboxId, ifMatch, ct);
    }
}
