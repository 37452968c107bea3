using System.Text;
using System.Text.Json;
using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Functions.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace InboxServerless.Functions.Tests.Webhooks;

/// <summary>
/// Graph's two webhooks driven with the payloads Graph documents: the validation handshake on both URLs, batched
/// <c>created</c> notifications (one with a wrong clientState), the three lifecycle events, and bad input, which queues
/// nothing.
/// </summary>
public sealed class GraphWebhookFunctionsTests
{
    private const string Sub1 = "7f105c7d-2dc5-4530-97cd-4e7ae6534c07";
    private const string Sub2 = "0f3b9f8e-6c2a-4f4e-9d59-2b1f0c4b8a11";
    private const string Tenant = "84bd8158-6d4d-4958-8b9f-9d6445542f95";
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private readonly Mock<IMailboxSubscriptionStore> store = new();
    private readonly Mock<ISecretStore> secrets = new();
    private readonly Mock<IInboundQueue> queue = new();
    private readonly List<InboundEvent> queued = [];
    private readonly GraphWebhookFunctions functions;

    public GraphWebhookFunctionsTests()
    {
        Holds(Sub1, "ann@contoso.test", "ch-1", "secretClientValue");
        Holds(Sub2, "bob@contoso.test", "ch-2", "another-secret");
        queue.Setup(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>()))
            .Callback((IReadOnlyList<InboundEvent> events, CancellationToken _) => queued.AddRange(events)).Returns(Task.CompletedTask);
        var clock = new FakeTimeProvider(Now);
        var cache = new GraphSubscriptionCache(store.Object, secrets.Object, new GraphOptions(), clock);
        functions = new GraphWebhookFunctions(new GraphInbound(cache, queue.Object, clock), NullLogger<GraphWebhookFunctions>.Instance);
    }

    private void Holds(string id, string address, string channelId, string clientState)
    {
        store.Setup(s => s.Find(id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new MailboxSubscription(id, "acc", "inbox", channelId, address, Tenant, Now.AddDays(-1), Now.AddDays(5)));
        secrets.Setup(s => s.Get(SecretNames.GraphClientState("acc", channelId), It.IsAny<CancellationToken>())).ReturnsAsync(clientState);
    }

    private static string Created(string subscription, string clientState, string messageId) => $$"""
        {
          "subscriptionId": "{{subscription}}",
          "subscriptionExpirationDateTime": "2026-12-08T11:00:00.0000000Z",
          "changeType": "created",
          "resource": "Users/ann@contoso.test/Messages/{{messageId}}",
          "resourceData": {
            "@odata.type": "#Microsoft.Graph.Message",
            "@odata.id": "Users/ann@contoso.test/Messages/{{messageId}}",
            "@odata.etag": "W/\"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf\"",
            "id": "{{messageId}}"
          },
          "clientState": "{{clientState}}",
          "tenantId": "{{Tenant}}"
        }
        """;

    private static string Lifecycle(string subscription, string clientState, string lifecycleEvent) => $$"""
        {
          "subscriptionId": "{{subscription}}",
          "subscriptionExpirationDateTime": "2026-12-08T11:00:00.0000000Z",
          "tenantId": "{{Tenant}}",
          "clientState": "{{clientState}}",
          "lifecycleEvent": "{{lifecycleEvent}}"
        }
        """;

    private static string Batch(params string[] items) => $$"""{"value":[{{string.Join(",", items)}}]}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_validation_request_is_answered_with_the_decoded_token_as_plain_text(bool lifecycle)
    {
        var request = Request("", "?validationToken=Validation%3A%20Testing%20client%20application%20reachability%20for%20subscription%20Request-Id%3A%2025a4d5a0");

        var (status, type, body) = await Execute(lifecycle ? await functions.Lifecycle(request, default) : await functions.Notifications(request, default));

        Assert.Equal(200, status);
        Assert.StartsWith("text/plain", type, StringComparison.Ordinal);
        Assert.Equal("Validation: Testing client application reachability for subscription Request-Id: 25a4d5a0", body);
        Assert.Empty(queued);
    }

    [Fact]
    public async Task A_batch_queues_one_new_mail_change_per_item_and_drops_the_item_with_a_wrong_client_state()
    {
        var body = Batch(Created(Sub1, "secretClientValue", "AAMkAG1="), Created(Sub1, "guessed", "AAMkAG2="), Created(Sub2, "another-secret", "AAMkAG3="));

        var (status, _, _) = await Execute(await functions.Notifications(Request(body), default));

        Assert.Equal(202, status);
        Assert.Equal([$"graph:{Sub1}:AAMkAG1=", $"graph:{Sub2}:AAMkAG3="], queued.Select(e => e.ExternalId));
        var first = queued[0];
        Assert.Equal((InboundEventType.MailboxChange, ChannelKind.Email, "email:ann@contoso.test"), (first.Type, first.Channel, first.BindingKey));
        Assert.Equal(new MailboxChange(EmailProvider.Office365, MailboxChangeKind.NewMail, "acc", "inbox", "ch-1", "Users/ann@contoso.test/Messages/AAMkAG1=", Sub1), first.Mailbox);
        Assert.Equal("ann@contoso.test", first.Sender.Id);
        queue.Verify(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("reauthorizationRequired", MailboxChangeKind.Reauthorize)]
    [InlineData("subscriptionRemoved", MailboxChangeKind.Recreate)]
    [InlineData("missed", MailboxChangeKind.CatchUp)]
    public async Task A_lifecycle_event_queues_its_upkeep(string lifecycleEvent, MailboxChangeKind kind)
    {
        var (status, _, _) = await Execute(await functions.Lifecycle(Request(Batch(Lifecycle(Sub1, "secretClientValue", lifecycleEvent))), default));

        Assert.Equal(202, status);
        var change = Assert.Single(queued).Mailbox!;
        Assert.Equal((kind, Sub1, "ch-1"), (change.Kind, change.SubscriptionId, change.ChannelId));
    }

    [Fact]
    public async Task A_redelivered_notification_is_the_same_queue_message()
    {
        var body = Batch(Created(Sub1, "secretClientValue", "AAMkAG1="), Lifecycle(Sub1, "secretClientValue", "missed"));

        await functions.Notifications(Request(body), default);
        await functions.Notifications(Request(body), default);

        Assert.Equal(4, queued.Count);
        Assert.Equal(queued[0].MessageId, queued[2].MessageId);
        Assert.Equal(queued[1].MessageId, queued[3].MessageId);
    }

    [Theory]
    [InlineData("wrong clientState", 202)]
    [InlineData("unknown subscription", 202)]
    [InlineData("not JSON", 400)]
    [InlineData("no value", 400)]
    [InlineData("item of ours without resourceData", 400)]
    public async Task Bad_input_queues_nothing(string what, int expected)
    {
        var body = what switch
        {
            "wrong clientState" => Batch(Created(Sub1, "secretClientValue!", "AAMkAG1=")),
            "unknown subscription" => Batch(Created("11111111-2222-3333-4444-555555555555", "secretClientValue", "AAMkAG1=")),
            "not JSON" => "value=1",
            "no value" => """{"values":[]}""",
            _ => Batch($$"""{"subscriptionId":"{{Sub1}}","clientState":"secretClientValue","changeType":"created","resource":"Users/x/Messages/y"}"""),
        };

        var (status, type, _) = await Execute(await functions.Notifications(Request(body), default));

        Assert.Equal(expected, status);
        if (expected == 400) Assert.Equal("application/problem+json", type);
        Assert.Empty(queued);
    }

    [Fact]
    public async Task A_queue_that_fails_is_a_503_so_Graph_delivers_again()
    {
        queue.Setup(q => q.Enqueue(It.IsAny<IReadOnlyList<InboundEvent>>(), It.IsAny<CancellationToken>())).ThrowsAsync(new TimeoutException());

        var (status, type, _) = await Execute(await functions.Notifications(Request(Batch(Created(Sub1, "secretClientValue", "AAMkAG1="))), default));

        Assert.Equal(503, status);
        Assert.Equal("application/problem+json", type);
    }

    [Fact]
    public async Task A_store_that_fails_is_a_503()
    {
        store.Setup(s => s.Find(Sub1, It.IsAny<CancellationToken>())).ThrowsAsync(new HttpRequestException("cosmos down"));

        var (status, _, _) = await Execute(await functions.Notifications(Request(Batch(Created(Sub1, "secretClientValue", "AAMkAG1="))), default));

        Assert.Equal(503, status);
        Assert.Empty(queued);
    }

    private static HttpRequest Request(string body, string query = "")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.QueryString = new QueryString(query);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = query.Length > 0 ? "text/plain" : "application/json";
        return context.Request;
    }

    private static async Task<(int Status, string? ContentType, string Body)> Execute(IResult result)
    {
        // The framework's results log through the request's services.
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() }, RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, context.Response.ContentType, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
