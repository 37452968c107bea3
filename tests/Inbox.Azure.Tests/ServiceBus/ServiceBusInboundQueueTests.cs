using System.Text.Json;
using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using Moq;

namespace InboxServerless.Azure.Tests.ServiceBus;

[Collection(AzuriteCollection.Name)]
public sealed class ServiceBusInboundQueueTests(AzuriteFixture azurite)
{
    private static string Json(InboundEvent e) => JsonSerializer.Serialize(e, InboxJson.Storage);

    /// <summary>What the consumer would receive for a sent message.</summary>
    private static ServiceBusReceivedMessage Received(ServiceBusMessage sent) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: sent.Body,
            messageId: sent.MessageId,
            sessionId: sent.SessionId,
            contentType: sent.ContentType,
            properties: sent.ApplicationProperties,
            deliveryCount: 1);

    [Fact]
    public async Task Each_event_becomes_a_message_keyed_by_its_message_id_and_session()
    {
        var sender = new RecordingSender();
        var events = new[] { InboundEvents.Messenger("psid-1", "mid-1"), InboundEvents.Email("conv-1", "graph-1") };

        await new ServiceBusInboundQueue(sender.Object, azurite.NewClaimChecks(), new ServiceBusQueueOptions()).Enqueue(events, CancellationToken.None);

        var batch = Assert.Single(sender.SentBatches);
        Assert.Equal(2, batch.Count);
        foreach (var (sent, inboundEvent) in batch.Zip(events))
        {
            Assert.Equal(inboundEvent.MessageId, sent.MessageId);
            Assert.Equal(inboundEvent.SessionKey, sent.SessionId);
            Assert.Equal("application/json", sent.ContentType);
            Assert.Equal(1, sent.ApplicationProperties["version"]);
            Assert.False(sent.ApplicationProperties.ContainsKey("claimCheck"));
            Assert.Equal(Json(inboundEvent), Json(sent.Body.ToObjectFromJson<InboundEvent>(InboxJson.Storage)!));
        }

        Assert.Equal("messenger:page-1|psid-1", batch[0].SessionId);
        Assert.Equal("email:support@contoso.test|conv-1", batch[1].SessionId);
    }

    [Fact]
    public async Task A_session_key_longer_than_service_bus_allows_becomes_a_stable_digest()
    {
        var sender = new RecordingSender();
        var longThread = new string('x', 200); // Graph conversation ids run long
        var first = InboundEvents.Email(longThread, "graph-1");
        var second = InboundEvents.Email(longThread, "graph-2");

        await new ServiceBusInboundQueue(sender.Object, azurite.NewClaimChecks(), new ServiceBusQueueOptions()).Enqueue([first, second], CancellationToken.None);

        var sessions = sender.Sent.Select(m => m.SessionId).ToList();
        Assert.All(sessions, s => Assert.True(s.Length <= 128));
        Assert.Equal(sessions[0], sessions[1]); // one conversation, one session
        Assert.Equal(InboundMessageFormat.SessionId(first), sessions[0]);
        Assert.NotEqual(first.SessionKey, sessions[0]);
    }

    [Fact]
    public async Task Events_are_split_over_as_many_batches_as_it_takes_in_their_order()
    {
        var events = Enumerable.Range(1, 7).Select(i => InboundEvents.Messenger("psid-1", $"mid-{i}", new string('a', 1000))).ToList();
        var oneMessage = Json(events[0]).Length + RecordingSender.OverheadBytes;
        var sender = new RecordingSender(maxBatchBytes: 3 * oneMessage + 10);

        await new ServiceBusInboundQueue(sender.Object, azurite.NewClaimChecks(), new ServiceBusQueueOptions()).Enqueue(events, CancellationToken.None);

        Assert.Equal([3, 3, 1], sender.SentBatches.Select(b => b.Count));
        Assert.Equal(events.Select(e => e.MessageId), sender.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Nothing_to_enqueue_sends_nothing()
    {
        var sender = new RecordingSender();

        await new ServiceBusInboundQueue(sender.Object, azurite.NewClaimChecks(), new ServiceBusQueueOptions()).Enqueue([], CancellationToken.None);

        sender.Mock.Verify(s => s.CreateMessageBatchAsync(It.IsAny<CancellationToken>()), Times.Never);
        Assert.Empty(sender.SentBatches);
    }

    [Fact]
    public async Task An_event_over_the_limit_travels_by_claim_check_and_reads_back_whole()
    {
        var sender = new RecordingSender();
        var claimChecks = azurite.NewClaimChecks();
        var small = InboundEvents.Messenger("psid-1", "mid-1");
        var big = InboundEvents.Email("conv-1", "graph-1") with { Content = new InboundContent { Html = new string('h', 300 * 1024) } };

        await new ServiceBusInboundQueue(sender.Object, claimChecks, new ServiceBusQueueOptions()).Enqueue([small, big], CancellationToken.None);

        var batch = Assert.Single(sender.SentBatches);
        var check = batch[1];
        Assert.Equal(big.MessageId, check.MessageId);
        Assert.Equal(big.SessionKey, check.SessionId);
        Assert.Equal(big.MessageId, check.ApplicationProperties["claimCheck"]);
        Assert.Equal(1, check.ApplicationProperties["version"]);
        Assert.True(check.Body.ToMemory().Length < 1024, "the message carries only the blob's name");

        // The blob holds the event's JSON, under the message id, in the container the store created.
        var blob = await claimChecks.Container.GetBlobClient(big.MessageId).DownloadContentAsync();
        Assert.Equal("application/json", blob.Value.Details.ContentType);
        Assert.Equal(Json(big), Json(blob.Value.Content.ToObjectFromJson<InboundEvent>(InboxJson.Storage)!));

        var reader = new InboundMessageReader(claimChecks);
        Assert.Equal(Json(big), Json(await reader.Read(Received(check), CancellationToken.None)));
        Assert.Equal(Json(small), Json(await reader.Read(Received(batch[0]), CancellationToken.None)));
    }

    [Fact]
    public async Task The_limit_is_configurable_and_a_redelivered_event_rewrites_its_blob()
    {
        var sender = new RecordingSender();
        var claimChecks = azurite.NewClaimChecks();
        var queue = new ServiceBusInboundQueue(sender.Object, claimChecks, new ServiceBusQueueOptions { MaxBodyBytes = 100 });
        var inboundEvent = InboundEvents.Messenger("psid-1", "mid-1");

        await queue.Enqueue([inboundEvent], CancellationToken.None);
        await queue.Enqueue([inboundEvent], CancellationToken.None); // the webhook's retry

        Assert.All(sender.Sent, m => Assert.Equal(inboundEvent.MessageId, m.ApplicationProperties["claimCheck"]));
        Assert.Equal(Json(inboundEvent), Json(await new InboundMessageReader(claimChecks).Read(Received(sender.Sent.Last()), CancellationToken.None)));
    }

    [Fact]
    public async Task An_event_under_the_limit_that_fits_no_batch_still_goes_by_claim_check()
    {
        var sender = new RecordingSender(maxBatchBytes: 1000);
        var claimChecks = azurite.NewClaimChecks();
        var inboundEvent = InboundEvents.Messenger("psid-1", "mid-1", new string('a', 2000));

        await new ServiceBusInboundQueue(sender.Object, claimChecks, new ServiceBusQueueOptions()).Enqueue([inboundEvent], CancellationToken.None);

        var sent = Assert.Single(sender.Sent);
        Assert.Equal(inboundEvent.MessageId, sent.ApplicationProperties["claimCheck"]);
        Assert.Equal(Json(inboundEvent), Json(await new InboundMessageReader(claimChecks).Read(Received(sent), CancellationToken.None)));
    }

    [Fact]
    public async Task A_send_failure_propagates_so_the_webhook_answers_5xx()
    {
        var failure = new ServiceBusException("namespace unreachable", ServiceBusFailureReason.ServiceCommunicationProblem);
        var sender = new RecordingSender();
        sender.Mock.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>())).ThrowsAsync(failure);
        var queue = new ServiceBusInboundQueue(sender.Object, azurite.NewClaimChecks(), new ServiceBusQueueOptions());

        var thrown = await Assert.ThrowsAsync<ServiceBusException>(() => queue.Enqueue([InboundEvents.Messenger("psid-1", "mid-1")], CancellationToken.None));

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task A_claim_check_that_cannot_be_written_propagates_and_sends_nothing()
    {
        var sender = new RecordingSender();
        var options = new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } };
        var unreachable = new ClaimCheckStore(new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/claim-checks"), options));
        var queue = new ServiceBusInboundQueue(sender.Object, unreachable, new ServiceBusQueueOptions { MaxBodyBytes = 100 });

        await Assert.ThrowsAnyAsync<RequestFailedException>(() => queue.Enqueue([InboundEvents.Messenger("psid-1", "mid-1")], CancellationToken.None));

        Assert.Empty(sender.SentBatches);
    }
}
