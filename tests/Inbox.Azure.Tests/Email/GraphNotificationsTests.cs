using System.Text;
using InboxServerless.Azure.Email;
using InboxServerless.Core.Domain;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>Notifications as Microsoft Graph documents them (field names, casing, ISO 8601 times).</summary>
public sealed class GraphNotificationsTests
{
    private const string Sub1 = "7f105c7d-2dc5-4530-97cd-4e7ae6534c07";
    private const string Sub2 = "0f3b9f8e-6c2a-4f4e-9d59-2b1f0c4b8a11";
    private const string Tenant = "84bd8158-6d4d-4958-8b9f-9d6445542f95";

    private static readonly Dictionary<string, string> Secrets = new() { [Sub1] = "secretClientValue", [Sub2] = "another-secret" };

    private static string? SecretOf(string subscription) => Secrets.GetValueOrDefault(subscription);

    private static string Created(string subscription, string clientState, string messageId, string user = "ann@contoso.test") => $$"""
        {
          "subscriptionId": "{{subscription}}",
          "subscriptionExpirationDateTime": "2026-11-28T11:00:00.0000000Z",
          "changeType": "created",
          "resource": "Users/{{user}}/Messages/{{messageId}}",
          "resourceData": {
            "@odata.type": "#Microsoft.Graph.Message",
            "@odata.id": "Users/{{user}}/Messages/{{messageId}}",
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
          "subscriptionExpirationDateTime": "2026-11-26T09:00:00.0000000Z",
          "tenantId": "{{Tenant}}",
          "clientState": "{{clientState}}",
          "lifecycleEvent": "{{lifecycleEvent}}"
        }
        """;

    private static Outcome<GraphNotificationBatch> Parse(string json) => GraphNotifications.Parse(Encoding.UTF8.GetBytes(json), SecretOf);

    private static GraphNotificationBatch Batch(params string[] items)
    {
        var parsed = Parse($$"""{"value":[{{string.Join(",", items)}}]}""");
        Assert.True(parsed.IsSuccess, parsed.Problem?.Detail);
        return parsed.Value!;
    }

    [Fact]
    public void The_validation_request_is_answered_with_the_url_decoded_token()
    {
        const string query = "?validationToken=Validation%3a+Testing+client+application+reachability+for+subscription+Request-Id%3a+3b3f9821-ce3f-4ec6-8e2b-5f4c5e7a1b2c";

        Assert.Equal("Validation: Testing client application reachability for subscription Request-Id: 3b3f9821-ce3f-4ec6-8e2b-5f4c5e7a1b2c",
            GraphNotifications.ValidationToken(query));
        Assert.Equal("a+b", GraphNotifications.ValidationToken("validationToken=a%2Bb")); // decoded once, not twice
        Assert.Equal("text/plain", GraphNotifications.ValidationContentType);
        Assert.Null(GraphNotifications.ValidationToken(null));
        Assert.Null(GraphNotifications.ValidationToken(""));
        Assert.Null(GraphNotifications.ValidationToken("?other=1"));
    }

    [Fact]
    public void The_subscriptions_a_delivery_names_are_read_without_its_document()
    {
        var body = $$"""{"value":[{{Created(Sub1, "x", "m1")}},{{Lifecycle(Sub2, "y", "missed")}},{{Created(Sub1, "x", "m2")}}]}""";

        Assert.Equal(new HashSet<string> { Sub1, Sub2 }, GraphNotifications.SubscriptionIds(Encoding.UTF8.GetBytes(body)));
        // Only an item's own subscriptionId counts, not one nested deeper or at the top.
        Assert.Empty(GraphNotifications.SubscriptionIds("""{"subscriptionId":"a","value":[{"resourceData":{"subscriptionId":"b"}}]}"""u8)!);
        Assert.Null(GraphNotifications.SubscriptionIds("{\"value\":[{\"subscriptionId\":"u8));
        Assert.Null(GraphNotifications.SubscriptionIds([.. "{\"value\":[{\"subscriptionId\":\""u8, 0xC3, 0x28, .. "\"}]}"u8]));
    }

    [Fact]
    public void New_mail_of_our_subscriptions_becomes_messages_to_fetch()
    {
        var batch = Batch(Created(Sub1, "secretClientValue", "AAMkAGUwNjQ4ZjIxAAA="), Created(Sub2, "another-secret", "AAMkAGUwNjQ4ZjIxAAB=", "bob@contoso.test"));

        Assert.Equal(
            [new GraphMessageReference(Sub1, "Users/ann@contoso.test/Messages/AAMkAGUwNjQ4ZjIxAAA=", "AAMkAGUwNjQ4ZjIxAAA=", Tenant),
             new GraphMessageReference(Sub2, "Users/bob@contoso.test/Messages/AAMkAGUwNjQ4ZjIxAAB=", "AAMkAGUwNjQ4ZjIxAAB=", Tenant)],
            batch.Messages);
        Assert.Empty(batch.Lifecycle);
        Assert.Empty(batch.Dropped);
    }

    [Fact]
    public void An_item_whose_client_state_is_not_its_subscriptions_is_dropped_and_reported()
    {
        var batch = Batch(
            Created(Sub1, "secretClientValue", "m1"),
            Created(Sub1, "another-secret", "m2"),     // another subscription's secret
            Created(Sub1, "secretClientValu", "m3"),   // a prefix
            Created("unknown-subscription", "secretClientValue", "m4"),
            """{"subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07","changeType":"created","resource":"r","resourceData":{"id":"m5"}}""");

        Assert.Equal(["m1"], batch.Messages.Select(m => m.MessageId));
        Assert.Equal([1, 2, 3, 4], batch.Dropped.Select(d => d.Index));
        Assert.Equal([Sub1, Sub1, "unknown-subscription", Sub1], batch.Dropped.Select(d => d.SubscriptionId));
        Assert.All(batch.Dropped, d => Assert.Contains("clientState", d.Reason));
    }

    [Fact]
    public void No_client_state_passes_when_no_secret_is_known()
    {
        var parsed = GraphNotifications.Parse(Encoding.UTF8.GetBytes($$"""{"value":[{{Created(Sub1, "", "m1")}}]}"""), _ => "");

        Assert.Empty(parsed.Value!.Messages);
        Assert.Single(parsed.Value!.Dropped);
    }

    [Fact]
    public void Lifecycle_notifications_come_apart_from_messages()
    {
        var batch = Batch(
            Lifecycle(Sub1, "secretClientValue", "reauthorizationRequired"),
            Created(Sub2, "another-secret", "m1"),
            Lifecycle(Sub2, "another-secret", "missed"),
            Lifecycle(Sub2, "secretClientValue", "subscriptionRemoved"), // forged
            Lifecycle(Sub1, "secretClientValue", "somethingNew"));

        Assert.Equal(
            [new GraphLifecycleEvent(Sub1, GraphLifecycleKind.ReauthorizationRequired, null, new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero)),
             new GraphLifecycleEvent(Sub2, GraphLifecycleKind.Missed, null, new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero))],
            batch.Lifecycle);
        Assert.Equal(["m1"], batch.Messages.Select(m => m.MessageId));
        Assert.Equal([3, 4], batch.Dropped.Select(d => d.Index));
        Assert.Contains("somethingNew", batch.Dropped[1].Reason);
    }

    [Fact]
    public void Changes_other_than_new_mail_are_dropped()
    {
        var batch = Batch(Created(Sub1, "secretClientValue", "m1").Replace("\"created\"", "\"updated\""));

        Assert.Empty(batch.Messages);
        Assert.Contains("updated", Assert.Single(batch.Dropped).Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"value":[]} {}""")]
    [InlineData("""[]""")]
    [InlineData("""{"values":[]}""")]
    [InlineData("""{"value":{}}""")]
    [InlineData("""{"value":[42]}""")]
    [InlineData("""{"value":[{"subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07","clientState":"secretClientValue","changeType":"created","resource":"r"}]}""")]
    [InlineData("""{"value":[{"subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07","clientState":"secretClientValue","changeType":"created","resource":"r","resourceData":{"id":7}}]}""")]
    [InlineData("""{"value":[{"subscriptionId":42,"clientState":"secretClientValue"}]}""")]
    public void A_body_that_is_not_a_notification_is_a_problem(string body)
    {
        var parsed = Parse(body);

        Assert.False(parsed.IsSuccess);
        Assert.Equal(ProblemKind.Invalid, parsed.Problem!.Kind);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Problem.Detail));
    }

    [Fact]
    public void An_empty_batch_is_nothing_to_do()
    {
        var batch = Batch();

        Assert.Empty(batch.Messages);
        Assert.Empty(batch.Lifecycle);
        Assert.Empty(batch.Dropped);
    }
}
