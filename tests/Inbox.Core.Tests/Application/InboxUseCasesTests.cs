using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using Moq;

namespace InboxServerless.Core.Tests.Application;

/// <summary>
/// <see cref="InboxUseCases"/>'s own order of work, with its ports mocked: what must not leave for the secret store or the
/// provider before the ETag is known to be current, and what is undone when the inbox cannot be saved. The stores
/// themselves are tested against the database (Inbox.Azure.Tests).
/// </summary>
public sealed class InboxUseCasesTests
{
    private const string Webhook = "https://hooks.slack.com/services/T000/B000/XXXX";
    private static readonly Caller Alice = new(TestData.AccountId, "alice", new HashSet<Role> { Role.AccountAdmin });
    private static readonly Caller Bob = new(TestData.AccountId, "bob", new HashSet<Role> { Role.Member });
    private static readonly string WebhookSecret = SecretNames.SlackWebhook(TestData.InboxId);

    private readonly Mock<IInboxStore> inboxes = new();
    private readonly Mock<IChannelBindingStore> bindings = new();
    private readonly Mock<IDirectoryStore> directories = new();
    private readonly Mock<ISecretStore> secrets = new();
    private readonly Mock<IChannelConnector> connector = new();
    private readonly FakeTimeProvider clock = new(TestData.T0);
    private readonly List<string> order = [];

    public InboxUseCasesTests()
    {
        directories.Setup(d => d.Load(TestData.AccountId, It.IsAny<CancellationToken>())).ReturnsAsync(TestData.AcmeDirectory);
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Inbox>(TestData.AnInbox(), "\"v1\""));
        inboxes.Setup(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("replace"))
            .ReturnsAsync((Inbox inbox, string _, CancellationToken _) => new Versioned<Inbox>(inbox, "\"v2\""));
        secrets.Setup(s => s.Set(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("set secret"))
            .Returns(Task.CompletedTask);
        secrets.Setup(s => s.Delete(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("delete secret"))
            .ReturnsAsync(true);
    }

    private InboxUseCases Admin() => new(inboxes.Object, bindings.Object, directories.Object, clock, connector: connector.Object, secrets: secrets.Object);

    private static InboxSettings Settings(InboxNotificationSettings? notifications = null) =>
        new() { Name = "Support", Notifications = notifications ?? new() };

    [Fact]
    public async Task A_new_webhook_with_a_stale_etag_is_refused_before_the_secret_is_written()
    {
        var updated = await Admin().Update(Alice, TestData.InboxId, Settings(new() { SlackWebhookUrl = Webhook }), "\"v0\"", default);

        Assert.Same(Problem.StaleETag, updated.Problem);
        secrets.Verify(s => s.Set(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        inboxes.Verify(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("\"v1\"")]
    [InlineData("*")]
    public async Task A_new_webhook_is_kept_as_a_secret_before_the_inbox_says_it_has_one(string ifMatch)
    {
        var updated = await Admin().Update(Alice, TestData.InboxId, Settings(new() { SlackWebhookUrl = Webhook }), ifMatch, default);

        Assert.True(updated.IsSuccess);
        Assert.Equal(["set secret", "replace"], order);
        secrets.Verify(s => s.Set(WebhookSecret, Webhook, It.IsAny<CancellationToken>()));
        Assert.Equal(SlackWebhookState.Of(Webhook), updated.Value!.Value.Notifications.Slack);
    }

    [Fact]
    public async Task An_emptied_webhook_is_deleted_once_the_inbox_no_longer_says_it_has_one()
    {
        var updated = await Admin().Update(Alice, TestData.InboxId, Settings(new() { SlackWebhookUrl = "" }), "\"v1\"", default);

        Assert.True(updated.IsSuccess);
        Assert.Equal(["replace", "delete secret"], order);
        secrets.Verify(s => s.Delete(WebhookSecret, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task An_emptied_webhook_stays_when_the_inbox_could_not_be_saved()
    {
        inboxes.Setup(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(Problem.StaleETag);

        var updated = await Admin().Update(Alice, TestData.InboxId, Settings(new() { SlackWebhookUrl = "" }), "\"v1\"", default);

        Assert.Same(Problem.StaleETag, updated.Problem);
        secrets.Verify(s => s.Delete(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Settings_without_a_webhook_leave_the_secret_alone()
    {
        Assert.True((await Admin().Update(Alice, TestData.InboxId, Settings(), "\"v1\"", default)).IsSuccess);

        secrets.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_new_inbox_whose_name_is_taken_takes_its_webhook_secret_back()
    {
        inboxes.Setup(s => s.Find(TestData.AccountId, "inbox-new", It.IsAny<CancellationToken>())).ReturnsAsync((Versioned<Inbox>?)null);
        inboxes.Setup(s => s.Create(It.IsAny<Inbox>(), It.IsAny<CancellationToken>())).ReturnsAsync(Problem.Conflict("taken"));

        var created = await Admin().Create(Alice, "inbox-new", Settings(new() { SlackWebhookUrl = Webhook }), default);

        Assert.Equal((ProblemKind.Conflict, "An inbox named 'Support' already exists in this account."), (created.Problem!.Kind, created.Problem.Detail));
        Assert.Equal(["set secret", "delete secret"], order);
        secrets.Verify(s => s.Delete(SecretNames.SlackWebhook("inbox-new"), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task Creating_again_under_the_same_id_returns_the_inbox_made_before_and_keeps_its_secret()
    {
        var earlier = new Versioned<Inbox>(TestData.AnInbox(), "\"v1\"");
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>())).ReturnsAsync(earlier);
        inboxes.Setup(s => s.Create(It.IsAny<Inbox>(), It.IsAny<CancellationToken>())).ReturnsAsync(Problem.Conflict("exists"));

        var created = await Admin().Create(Alice, TestData.InboxId, Settings(new() { SlackWebhookUrl = Webhook }), default);

        Assert.Same(earlier, created.Value);
        secrets.Verify(s => s.Delete(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_channel_change_with_a_stale_etag_is_refused_before_the_provider_is_told()
    {
        var page = new Channel("page-1", TestData.Messenger(), TestData.T0);
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Inbox>(TestData.AnInbox().WithChannel(page, TestData.T0), "\"v1\""));

        var updated = await Admin().UpdateChannel(Alice, TestData.InboxId, "page-1", TestData.Messenger() with { Greeting = "Hello!" }, "\"v0\"", default);

        Assert.Same(Problem.StaleETag, updated.Problem);
        connector.VerifyNoOtherCalls();
        inboxes.Verify(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_channel_change_the_provider_refuses_is_not_saved()
    {
        var page = new Channel("page-1", TestData.Messenger(), TestData.T0);
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Inbox>(TestData.AnInbox().WithChannel(page, TestData.T0), "\"v1\""));
        var refusal = new Problem(ProblemKind.Unavailable, "Meta is down.");
        connector.Setup(c => c.Update(TestData.AccountId, TestData.InboxId, page, It.IsAny<Channel>(), It.IsAny<CancellationToken>())).ReturnsAsync(refusal);

        var updated = await Admin().UpdateChannel(Alice, TestData.InboxId, "page-1", TestData.Messenger() with { Greeting = "Hello!" }, "\"v1\"", default);

        Assert.Same(refusal, updated.Problem);
        inboxes.Verify(s => s.Replace(It.IsAny<Inbox>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_webhook_secret_that_cannot_be_deleted_is_a_leftover_of_the_deleted_inbox_not_a_failure()
    {
        inboxes.Setup(s => s.Delete(TestData.AccountId, TestData.InboxId, "\"v1\"", It.IsAny<CancellationToken>())).ReturnsAsync(true);
        secrets.Setup(s => s.Delete(WebhookSecret, It.IsAny<CancellationToken>())).ThrowsAsync(new HttpRequestException("vault unreachable"));

        var deleted = await Admin().Delete(Alice, TestData.InboxId, "\"v1\"", default);

        Assert.True(deleted.IsSuccess);
        Assert.Equal("The inbox's Slack webhook secret could not be deleted: vault unreachable", Assert.Single(deleted.Value!.Leftovers));
        var email = new Channel(TestData.EmailChannelId, TestData.Email(), TestData.T0);
        bindings.Verify(b => b.Release(email.BindingKey.Value, TestData.InboxId, TestData.EmailChannelId, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task A_member_who_is_not_an_admin_changes_nothing_and_no_store_is_asked()
    {
        var admin = Admin();

        Assert.Equal(ProblemKind.Forbidden, (await admin.Create(Bob, "inbox-new", Settings(new() { SlackWebhookUrl = Webhook }), default)).Problem!.Kind);
        Assert.Equal(ProblemKind.Forbidden, (await admin.Update(Bob, TestData.InboxId, Settings(), "\"v1\"", default)).Problem!.Kind);
        Assert.Equal(ProblemKind.Forbidden, (await admin.Delete(Bob, TestData.InboxId, "\"v1\"", default)).Problem!.Kind);

        inboxes.VerifyNoOtherCalls();
        secrets.VerifyNoOtherCalls();
        bindings.VerifyNoOtherCalls();
    }
}
