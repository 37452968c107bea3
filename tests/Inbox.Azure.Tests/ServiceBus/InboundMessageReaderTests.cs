using System.Text.Json;
using Azure.Messaging.ServiceBus;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;

namespace InboxServerless.Azure.Tests.ServiceBus;

public sealed class InboundMessageReaderTests
{
    private readonly InboundMessageReader reader = InboundEvents.ReaderWithoutBlobs();

    private static string Json(InboundEvent e) => JsonSerializer.Serialize(e, InboxJson.Storage);

    private static ServiceBusReceivedMessage Message(string body, IDictionary<string, object>? properties = null) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(body),
            messageId: "m-1",
            sessionId: "s-1",
            contentType: "application/json",
            properties: properties ?? new Dictionary<string, object> { ["version"] = 1 });

    /// <summary>An event's JSON with its version replaced, as a newer (or older) writer would send it.</summary>
    private static string WithVersion(InboundEvent e, int version)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Json(e))!;
        node["version"] = version;
        return node.ToJsonString();
    }

    [Fact]
    public async Task Reads_the_event_in_the_body()
    {
        var sent = InboundEvents.Email("conv-1", "graph-1");

        var read = await reader.Read(Message(Json(sent)), CancellationToken.None);

        Assert.Equal(Json(sent), Json(read));
        Assert.Equal(sent.MessageId, read.MessageId);
        Assert.Equal(sent.SessionKey, read.SessionKey);
    }

    [Fact]
    public async Task Reads_properties_as_the_functions_worker_hands_them_over()
    {
        var sent = InboundEvents.Messenger("psid-1", "mid-1");
        var properties = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{"version":1}""")!
            .ToDictionary(p => p.Key, p => (object)p.Value);

        var read = await reader.Read(BinaryData.FromString(Json(sent)), properties, CancellationToken.None);

        Assert.Equal(Json(sent), Json(read));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Refuses_a_version_it_does_not_know(int version)
    {
        var body = WithVersion(InboundEvents.Messenger("psid-1", "mid-1"), version);

        var refused = await Assert.ThrowsAsync<UnsupportedInboundEventVersionException>(() =>
            reader.Read(Message(body, new Dictionary<string, object> { ["version"] = version }), CancellationToken.None));

        Assert.Equal(version, refused.Version);
        Assert.Contains($"version {version} is not supported", refused.Message);
    }

    [Fact]
    public async Task Without_the_property_the_version_in_the_body_decides()
    {
        var sent = InboundEvents.Messenger("psid-1", "mid-1");

        Assert.Equal(Json(sent), Json(await reader.Read(Message(Json(sent), new Dictionary<string, object>()), CancellationToken.None)));
        await Assert.ThrowsAsync<UnsupportedInboundEventVersionException>(() =>
            reader.Read(Message(WithVersion(sent, 7), new Dictionary<string, object>()), CancellationToken.None));
    }

    [Fact]
    public async Task Refuses_a_body_whose_version_contradicts_the_property()
    {
        var body = WithVersion(InboundEvents.Messenger("psid-1", "mid-1"), 2);

        await Assert.ThrowsAsync<InvalidInboundMessageException>(() => reader.Read(Message(body), CancellationToken.None));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[1,2]")]
    [InlineData("""{"channel":"messenger"}""")]
    public async Task Refuses_what_is_not_an_event(string body)
    {
        await Assert.ThrowsAnyAsync<InvalidInboundMessageException>(() => reader.Read(Message(body), CancellationToken.None));
    }

    [Fact]
    public async Task Refuses_a_version_property_that_is_not_a_number()
    {
        var body = Json(InboundEvents.Messenger("psid-1", "mid-1"));

        await Assert.ThrowsAsync<InvalidInboundMessageException>(() =>
            reader.Read(Message(body, new Dictionary<string, object> { ["version"] = "one" }), CancellationToken.None));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class ClaimCheckReaderTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_claim_check_whose_blob_is_gone_is_refused()
    {
        var claimChecks = azurite.NewClaimChecks();
        await claimChecks.Container.CreateIfNotExistsAsync();
        var message = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString("""{"claimCheck":"missing"}"""),
            properties: new Dictionary<string, object> { ["version"] = 1, ["claimCheck"] = "missing" });

        var refused = await Assert.ThrowsAsync<InvalidInboundMessageException>(() =>
            new InboundMessageReader(claimChecks).Read(message, CancellationToken.None));

        Assert.Contains("missing", refused.Message);
    }
}
