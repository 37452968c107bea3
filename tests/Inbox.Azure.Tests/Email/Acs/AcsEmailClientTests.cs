using System.Net;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using InboxServerless.Azure.Email.Acs;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Email.Acs;

public sealed class AcsEmailClientTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(Now);
    private readonly FakeAcs acs;

    public AcsEmailClientTests() => acs = new FakeAcs(clock);

    private AcsEmailClient Client(AcsEmailOptions? options = null, TokenCredential? credential = null) =>
        new(options ?? acs.Options(), clock, credential, acs.Transport);

    private static OutgoingMail Reply(string messageId = "<reply-1@contoso.com>") => new("sam@customer.example", "Re: Order 42", "Thanks, Sam.\n-- \nJane")
    {
        From = "support@contoso.com",
        FromName = "Jane Doe at Contoso",
        Html = "<div>Thanks, Sam.</div>",
        MessageId = messageId,
        InReplyTo = "<order-42@customer.example>",
        References = ["<order-41@customer.example>", "<order-42@customer.example>"],
        Attachments = [new MailAttachment("invoice.pdf", "application/pdf", "%PDF-1.7"u8.ToArray())],
        Headers = new Dictionary<string, string> { ["Auto-Submitted"] = "no", ["x-ms-acsemail-validate-message-id"] = "true", ["Bcc"] = "spy@evil.example" },
    };

    /// <summary>Moves the clock a second at a time, a few real milliseconds apart, until the task ends (polls and waits pass).</summary>
    private async Task<T> Driven<T>(Task<T> task)
    {
        for (var i = 0; i < 500 && !task.IsCompleted; i++)
        {
            await Task.Delay(5);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        return await task;
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(5);
        Assert.True(condition());
    }

    [Fact]
    public async Task A_signed_send_is_polled_from_running_until_succeeded_and_names_the_operation()
    {
        acs.Statuses = ["Running", "Running", "Succeeded"];

        var operation = await Driven(Client().Send(Reply(), default));

        Assert.Equal(AcsEmailClient.OperationId("<reply-1@contoso.com>"), operation);
        Assert.Equal(["POST /emails:send?api-version=2023-03-31", $"GET /emails/operations/{operation}?api-version=2023-03-31", $"GET /emails/operations/{operation}?api-version=2023-03-31"],
            acs.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.All(acs.Requests, r => Assert.StartsWith("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=", r.Authorization));
        Assert.Equal(operation, Assert.Single(acs.Sends).OperationId);
    }

    [Fact]
    public async Task The_request_carries_sender_recipient_content_reply_to_attachments_and_the_threading_headers()
    {
        await Driven(Client().Send(Reply() with { ReplyTo = "help@fabrikam.example", ReplyToName = "Jane Doe at Fabrikam" }, default));

        var email = Assert.Single(acs.Emails);
        Assert.Equal("support@contoso.com", email["senderAddress"]!.GetValue<string>());
        Assert.Equal("""[{"address":"sam@customer.example"}]""", email["recipients"]!["to"]!.ToJsonString());
        Assert.Equal("Re: Order 42", email["content"]!["subject"]!.GetValue<string>());
        Assert.Equal("Thanks, Sam.\n-- \nJane", email["content"]!["plainText"]!.GetValue<string>());
        Assert.Equal("<div>Thanks, Sam.</div>", email["content"]!["html"]!.GetValue<string>());
        Assert.Equal("""[{"address":"help@fabrikam.example","displayName":"Jane Doe at Fabrikam"}]""", email["replyTo"]!.ToJsonString());
        Assert.Equal("""[{"name":"invoice.pdf","contentType":"application/pdf","contentInBase64":"JVBERi0xLjc="}]""", email["attachments"]!.ToJsonString());
        var headers = email["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string>
        {
            ["Auto-Submitted"] = "no",
            ["Message-ID"] = "<reply-1@contoso.com>",
            ["In-Reply-To"] = "<order-42@customer.example>",
            ["References"] = "<order-41@customer.example> <order-42@customer.example>",
        }, headers);
    }

    [Fact]
    public async Task A_send_that_fails_is_refused_with_acs_reason()
    {
        acs.Statuses = ["Running", "Failed"];

        var refused = await Assert.ThrowsAsync<MailRefusedException>(() => Driven(Client().Send(Reply(), default)));

        Assert.Contains("Failed", refused.Message);
        Assert.Contains("EmailDroppedAllRecipientsSuppressed", refused.Message);
        Assert.Contains("suppression list", refused.Message);
    }

    [Fact]
    public async Task A_wrong_access_key_is_refused_by_the_signature_check_and_nothing_is_sent()
    {
        var wrongKey = acs.Options(o => o.ConnectionString = $"endpoint={FakeAcs.Endpoint}/;accesskey={Convert.ToBase64String(new byte[32])}");

        var refused = await Assert.ThrowsAsync<MailRefusedException>(() => Client(wrongKey).Send(Reply(), default));

        Assert.Contains("401", refused.Message);
        Assert.Contains("Denied", refused.Message);
        Assert.Empty(acs.Emails);
    }

    [Fact]
    public async Task A_signature_dated_by_another_clock_is_refused()
    {
        var skewed = new FakeTimeProvider(Now - TimeSpan.FromHours(1));

        await Assert.ThrowsAsync<MailRefusedException>(() => new AcsEmailClient(acs.Options(), skewed, transport: acs.Transport).Send(Reply(), default));

        Assert.Empty(acs.Emails);
    }

    [Fact]
    public async Task A_throttled_send_waits_the_retry_after_on_the_clock_then_sends_again_with_the_same_operation_id()
    {
        acs.AnswerNextSend(HttpStatusCode.TooManyRequests, retryAfter: "7");
        var send = Client().Send(Reply(), default);
        await Until(() => acs.Requests.Count == 1);

        clock.Advance(TimeSpan.FromSeconds(6.9));
        await Task.Delay(100);
        Assert.Single(acs.Requests); // still waiting
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await Until(() => acs.Requests.Count == 2);
        await Driven(send);

        Assert.Equal(2, acs.Sends.Count);
        Assert.Single(acs.Sends.Select(s => s.OperationId).Distinct());
        Assert.Single(acs.Emails);
    }

    [Fact]
    public async Task A_send_answered_503_is_retried_by_the_pipeline_with_the_same_operation_id_and_sends_one_email()
    {
        acs.AnswerNextSend(HttpStatusCode.ServiceUnavailable);

        var operation = await Driven(Client().Send(Reply(), default));

        Assert.Equal([operation, operation], acs.Sends.Select(s => s.OperationId));
        Assert.Single(acs.Emails);
    }

    /// <summary>ACS accepts the first send but its answer never comes: the send runs out of its budget, as the queue sees it.</summary>
    private async Task<AcsEmailClient> FirstSendLost()
    {
        var client = Client(acs.Options(o => o.SendTimeout = TimeSpan.FromSeconds(20)));
        acs.AcceptNextSendButHang();
        await Assert.ThrowsAsync<TimeoutException>(() => Driven(client.Send(Reply(), default)));
        return client;
    }

    [Fact]
    public async Task A_send_whose_answer_never_comes_times_out_and_its_retry_names_the_same_operation_so_one_email_goes()
    {
        var client = await FirstSendLost();

        var operation = await Driven(client.Send(Reply(), default)); // the queue's retry: the same mail again

        Assert.Equal([operation, operation], acs.Sends.Select(s => s.OperationId));
        Assert.Single(acs.Emails);
    }

    [Fact]
    public async Task A_retry_answered_409_for_an_operation_acs_holds_follows_that_operation()
    {
        var client = await FirstSendLost();
        acs.AnswerNextSend(HttpStatusCode.Conflict);

        var operation = await Driven(client.Send(Reply(), default));

        Assert.Contains(acs.Requests, r => r.Method == "GET" && r.PathAndQuery.StartsWith($"/emails/operations/{operation}?", StringComparison.Ordinal));
        Assert.Single(acs.Emails);
    }

    [Fact]
    public void The_operation_id_is_a_uuid_fixed_by_the_message_id_and_random_without_one()
    {
        var id = AcsEmailClient.OperationId("<reply-1@contoso.com>");

        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal(id, AcsEmailClient.OperationId("<reply-1@contoso.com>"));
        Assert.NotEqual(id, AcsEmailClient.OperationId("<reply-2@contoso.com>"));
        Assert.NotEqual(AcsEmailClient.OperationId(null), AcsEmailClient.OperationId(null));
    }

    [Fact]
    public async Task A_request_over_10_mb_is_refused_before_anything_is_sent()
    {
        var big = Reply() with { Attachments = [new MailAttachment("big.bin", "application/octet-stream", new byte[8 * 1024 * 1024])] };

        var refused = await Assert.ThrowsAsync<MailRefusedException>(() => Client().Send(big, default));

        Assert.Contains("10 MB", refused.Message);
        Assert.Empty(acs.Requests);
    }

    [Fact]
    public async Task A_bad_request_is_refused_for_good_and_a_lasting_server_error_is_transient()
    {
        acs.AnswerNextSend(HttpStatusCode.BadRequest, errorCode: "InvalidSenderAddress");
        var refused = await Assert.ThrowsAsync<MailRefusedException>(() => Client().Send(Reply(), default));
        Assert.Contains("InvalidSenderAddress", refused.Message);

        for (var i = 0; i < 4; i++) acs.AnswerNextSend(HttpStatusCode.InternalServerError);
        var failed = await Assert.ThrowsAsync<RequestFailedException>(() => Client().Send(Reply("<reply-2@contoso.com>"), default));
        Assert.Equal(500, failed.Status);
        Assert.Empty(acs.Emails);
    }

    [Fact]
    public async Task With_an_endpoint_the_requests_carry_a_token_for_the_acs_scope()
    {
        var tokenAcs = new FakeAcs(clock) { ExpectedToken = "token-1" };
        var credential = new Credential("token-1");

        await Driven(new AcsEmailClient(tokenAcs.Options(), clock, credential, tokenAcs.Transport).Send(Reply(), default));

        Assert.Single(tokenAcs.Emails);
        Assert.All(tokenAcs.Requests, r => Assert.Equal("Bearer token-1", r.Authorization));
        Assert.Equal([AcsEmailClient.TokenScope], credential.Scopes.Distinct());
    }

    [Fact]
    public async Task A_wrong_token_is_refused()
    {
        var tokenAcs = new FakeAcs(clock) { ExpectedToken = "token-1" };

        await Assert.ThrowsAsync<MailRefusedException>(() => new AcsEmailClient(tokenAcs.Options(), clock, new Credential("stolen"), tokenAcs.Transport).Send(Reply(), default));

        Assert.Empty(tokenAcs.Emails);
    }

    [Fact]
    public void A_connection_string_without_an_endpoint_or_key_is_refused_without_showing_the_key()
    {
        var noEndpoint = Assert.Throws<FormatException>(() => AcsConnectionString.Parse("accesskey=c2VjcmV0"));
        var badKey = Assert.Throws<FormatException>(() => AcsConnectionString.Parse("endpoint=https://x.communication.azure.com/;accesskey=not base64!"));

        Assert.DoesNotContain("c2VjcmV0", noEndpoint.Message);
        Assert.DoesNotContain("not base64!", badKey.Message);
        Assert.Equal(new Uri("https://x.communication.azure.com/"), AcsConnectionString.Parse("Endpoint=https://x.communication.azure.com/;AccessKey=c2VjcmV0").Endpoint);
    }

    private sealed class Credential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
