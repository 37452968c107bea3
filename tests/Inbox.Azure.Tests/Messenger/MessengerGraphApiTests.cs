using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InboxServerless.Azure.Messenger;
using InboxServerless.Core.Application.Messenger;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Azure.Tests.Messenger;

/// <summary>The Graph API adapter against a fake handler: the documented request shapes, and the documented answers.</summary>
public sealed class MessengerGraphApiTests
{
    private const string PageId = "1234567890";
    private const string Graph = "https://graph.facebook.com/v23.0/";

    private readonly FakeGraphHandler handler = new();
    private MessengerGraphOptions options = new() { AppId = "app-id", AppSecret = "app-secret" };

    private MessengerGraphApi Api() => new(new HttpClient(handler), options);

    private static MessengerText Text(string text) => MessengerText.Create(text).Value!;

    private static string Error(int code, int? subcode, string message, string type = "OAuthException") =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["error"] = subcode is null
                ? new { message, type, code, fbtrace_id = "AbCdEfGh12" }
                : new { message, type, code, error_subcode = subcode, fbtrace_id = "AbCdEfGh12" },
        });

    private static void SameJson(string expected, string? actual) =>
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(expected)), JsonSerializer.Serialize(JsonDocument.Parse(actual!)));

    [Fact]
    public async Task A_response_is_posted_to_the_pages_messages_with_the_page_token_as_bearer()
    {
        handler.Answer(HttpStatusCode.OK, """{"recipient_id":"PSID","message_id":"m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"}""");

        var result = await Api().SendText(PageId, "page-token", "PSID", Text("Hello, world!"), MessengerSendMode.Response, CancellationToken.None);

        var request = handler.Request;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(Graph + "1234567890/messages", request.Uri.ToString());
        Assert.Equal("Bearer page-token", request.Authorization);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.Equal("""{"recipient":{"id":"PSID"},"messaging_type":"RESPONSE","message":{"text":"Hello, world!"}}""", request.Body);
        Assert.Equal(new SendResult.Sent("m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P", "PSID"), result);
    }

    [Fact]
    public async Task Quick_replies_are_text_buttons_with_a_title_and_a_payload()
    {
        handler.Answer(HttpStatusCode.OK, """{"recipient_id":"PSID","message_id":"m_q"}""");

        await Api().SendText(PageId, "page-token", "PSID", Text("May we keep this conversation?"), MessengerSendMode.Response,
            [new MessengerQuickReply("Yes", "CONSENT_YES"), new MessengerQuickReply("No", "CONSENT_NO")], CancellationToken.None);

        Assert.Equal(
            """{"recipient":{"id":"PSID"},"messaging_type":"RESPONSE","message":{"text":"May we keep this conversation?",""" + "\"quick_replies\":" +
            """[{"content_type":"text","title":"Yes","payload":"CONSENT_YES"},{"content_type":"text","title":"No","payload":"CONSENT_NO"}]}}""",
            handler.Request.Body);
    }

    [Fact]
    public async Task A_human_agent_reply_is_a_message_tag_with_the_human_agent_tag()
    {
        handler.Answer(HttpStatusCode.OK, """{"recipient_id":"PSID","message_id":"m_2"}""");

        await Api().SendText(PageId, "page-token", "PSID", Text("Sorry for the wait"), MessengerSendMode.HumanAgent, CancellationToken.None);

        Assert.Equal("""{"recipient":{"id":"PSID"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"Sorry for the wait"}}""",
            handler.Request.Body);
        Assert.DoesNotContain("ACCOUNT_UPDATE", handler.Request.Body);
        Assert.DoesNotContain("CONFIRMED_EVENT_UPDATE", handler.Request.Body);
        Assert.DoesNotContain("POST_PURCHASE_UPDATE", handler.Request.Body);
    }

    [Fact]
    public async Task Any_text_travels_as_valid_json()
    {
        var text = "Ça va? \"quoted\" <b>&</b> \n 😀 \\ ";
        handler.Answer(HttpStatusCode.OK, """{"recipient_id":"PSID","message_id":"m_3"}""");

        await Api().SendText(PageId, "page-token", "PSID", Text(text), MessengerSendMode.Response, CancellationToken.None);

        using var body = JsonDocument.Parse(handler.Request.Body!);
        Assert.Equal(text, body.RootElement.GetProperty("message").GetProperty("text").GetString());
    }

    public static TheoryData<HttpStatusCode, string, MessengerErrorKind, bool> DocumentedErrors => new()
    {
        { HttpStatusCode.BadRequest, Error(10, 2018278, "(#10) This message is sent outside of allowed window."), MessengerErrorKind.WindowClosed, false },
        { HttpStatusCode.BadRequest, Error(551, 1545041, "This person isn't available right now."), MessengerErrorKind.UserUnavailable, false },
        { HttpStatusCode.BadRequest, Error(551, null, "This person isn't available right now."), MessengerErrorKind.UserUnavailable, false },
        { HttpStatusCode.BadRequest, Error(4, null, "(#4) Application request limit reached"), MessengerErrorKind.RateLimited, true },
        { HttpStatusCode.BadRequest, Error(17, null, "(#17) User request limit reached"), MessengerErrorKind.RateLimited, true },
        { HttpStatusCode.BadRequest, Error(32, null, "(#32) Page request limit reached"), MessengerErrorKind.RateLimited, true },
        { HttpStatusCode.BadRequest, Error(613, null, "(#613) Calls to this api have exceeded the rate limit."), MessengerErrorKind.RateLimited, true },
        { HttpStatusCode.BadRequest, Error(190, 463, "Error validating access token: Session has expired."), MessengerErrorKind.TokenExpired, false },
        { HttpStatusCode.Unauthorized, Error(190, null, "Invalid OAuth access token."), MessengerErrorKind.TokenExpired, false },
        { HttpStatusCode.InternalServerError, Error(2, null, "An unexpected error has occurred. Please retry your request later."), MessengerErrorKind.Transient, true },
        { HttpStatusCode.BadRequest, Error(1, null, "An unknown error occurred"), MessengerErrorKind.Transient, true },
        { HttpStatusCode.BadRequest, Error(100, null, "(#100) Param recipient[id] must be a valid ID string", "GraphMethodException"), MessengerErrorKind.Other, false },
        { HttpStatusCode.Forbidden, Error(200, 2018065, "(#200) This message is sent outside of allowed window. You need page_messaging_subscriptions permission."), MessengerErrorKind.Other, false },
    };

    [Theory]
    [MemberData(nameof(DocumentedErrors))]
    public async Task Documented_errors_come_back_as_their_kind(HttpStatusCode status, string body, MessengerErrorKind kind, bool retryable)
    {
        handler.Answer(status, body);

        var result = await Api().SendText(PageId, "page-token", "PSID", Text("Hi"), MessengerSendMode.Response, CancellationToken.None);

        var failed = Assert.IsType<SendResult.Failed>(result);
        using var error = JsonDocument.Parse(body);
        var e = error.RootElement.GetProperty("error");
        Assert.Equal((kind, retryable), (failed.Kind, failed.Retryable));
        Assert.Equal(e.GetProperty("message").GetString(), failed.Message);
        Assert.Equal(e.GetProperty("code").GetInt32(), failed.Error.Code);
        Assert.Equal(e.TryGetProperty("error_subcode", out var s) ? s.GetInt32() : null, failed.Error.Subcode);
        Assert.Equal(("AbCdEfGh12", (int)status), (failed.Error.TraceId, failed.Error.HttpStatus));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, "<html>Bad gateway</html>", MessengerErrorKind.Transient)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", MessengerErrorKind.Transient)]
    [InlineData(HttpStatusCode.TooManyRequests, "", MessengerErrorKind.RateLimited)]
    [InlineData(HttpStatusCode.NotFound, "not json", MessengerErrorKind.Other)]
    [InlineData(HttpStatusCode.OK, "not json", MessengerErrorKind.Other)]
    [InlineData(HttpStatusCode.OK, """{"recipient_id":"PSID"}""", MessengerErrorKind.Other)]
    public async Task Answers_without_the_error_shape_are_classified_by_status(HttpStatusCode status, string body, MessengerErrorKind kind)
    {
        handler.Answer(() => new HttpResponseMessage(status) { Content = new StringContent(body) });

        var result = await Api().SendText(PageId, "page-token", "PSID", Text("Hi"), MessengerSendMode.Response, CancellationToken.None);

        Assert.Equal(kind, Assert.IsType<SendResult.Failed>(result).Kind);
    }

    [Fact]
    public async Task No_answer_at_all_is_transient()
    {
        handler.Throw(new HttpRequestException("Connection refused"));
        var refused = await Api().SendText(PageId, "t", "PSID", Text("Hi"), MessengerSendMode.Response, CancellationToken.None);
        Assert.Equal(MessengerErrorKind.Transient, Assert.IsType<SendResult.Failed>(refused).Kind);

        handler.Throw(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"));
        var timedOut = await Api().SendText(PageId, "t", "PSID", Text("Hi"), MessengerSendMode.Response, CancellationToken.None);
        Assert.Equal(MessengerErrorKind.Transient, Assert.IsType<SendResult.Failed>(timedOut).Kind);
    }

    [Fact]
    public async Task Cancellation_is_not_an_error_but_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Api().SendText(PageId, "t", "PSID", Text("Hi"), MessengerSendMode.Response, cancelled.Token));
    }

    [Fact]
    public async Task The_user_token_is_exchanged_with_the_apps_id_and_secret()
    {
        handler.Answer(HttpStatusCode.OK, """{"access_token":"long-lived","token_type":"bearer","expires_in":5183944}""");

        var token = await Api().ExchangeUserToken("short lived/token", CancellationToken.None);

        var request = handler.Request;
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(Graph + "oauth/access_token?grant_type=fb_exchange_token&client_id=app-id&client_secret=app-secret&fb_exchange_token=short%20lived%2Ftoken",
            request.Uri.AbsoluteUri);
        Assert.Null(request.Authorization);
        Assert.Equal(new UserToken("long-lived", TimeSpan.FromSeconds(5183944)), token.Value);
    }

    [Fact]
    public async Task An_expired_user_token_is_a_token_error()
    {
        handler.Answer(HttpStatusCode.BadRequest, Error(190, 463, "Error validating access token: Session has expired on Sunday, 26-Apr-26."));

        var token = await Api().ExchangeUserToken("old", CancellationToken.None);

        Assert.Equal(MessengerErrorKind.TokenExpired, token.Error?.Kind);
    }

    [Fact]
    public async Task Exchanging_without_the_app_configured_is_a_configuration_error()
    {
        options = new MessengerGraphOptions();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Api().ExchangeUserToken("t", CancellationToken.None));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task The_page_and_its_token_are_read_with_the_user_token()
    {
        handler.Answer(HttpStatusCode.OK, """{"access_token":"page-token","name":"Acme Support","id":"1234567890"}""");

        var page = await Api().GetPage(PageId, "long-lived", CancellationToken.None);

        Assert.Equal((HttpMethod.Get, Graph + "1234567890?fields=access_token,name", "Bearer long-lived"),
            (handler.Request.Method, handler.Request.Uri.ToString(), handler.Request.Authorization));
        Assert.Equal(new PageInfo(PageId, "Acme Support", "page-token"), page.Value);
    }

    [Fact]
    public async Task A_page_the_user_cannot_manage_has_no_token()
    {
        handler.Answer(HttpStatusCode.OK, """{"name":"Acme Support","id":"1234567890"}""");

        Assert.Null((await Api().GetPage(PageId, "long-lived", CancellationToken.None)).Value!.AccessToken);
    }

    [Fact]
    public async Task The_app_is_subscribed_to_the_pages_webhook_fields_with_the_page_token()
    {
        handler.Answer(HttpStatusCode.OK, """{"success":true}""");

        var subscribed = await Api().SubscribeApp(PageId, "page-token", MessengerPageConnector.WebhookFields, CancellationToken.None);

        Assert.True(subscribed.Value);
        var request = handler.Request;
        Assert.Equal((HttpMethod.Post, "Bearer page-token", (string?)null), (request.Method, request.Authorization, request.Body));
        Assert.Equal(Graph + "1234567890/subscribed_apps?subscribed_fields=messages,messaging_postbacks,messaging_optins,message_deliveries,message_reads,message_echoes",
            request.Uri.ToString());
    }

    [Fact]
    public async Task A_subscription_refused_for_permissions_is_an_error()
    {
        handler.Answer(HttpStatusCode.Forbidden, Error(200, null, "(#200) Permissions error", "OAuthException"));

        var subscribed = await Api().SubscribeApp(PageId, "page-token", MessengerPageConnector.WebhookFields, CancellationToken.None);

        Assert.Equal((MessengerErrorKind.Other, 200), (subscribed.Error!.Kind, subscribed.Error.Code));
    }

    [Fact]
    public async Task The_app_is_unsubscribed_with_a_delete()
    {
        handler.Answer(HttpStatusCode.OK, """{"success":true}""");

        Assert.True((await Api().UnsubscribeApp(PageId, "page-token", CancellationToken.None)).Value);
        Assert.Equal((HttpMethod.Delete, Graph + "1234567890/subscribed_apps", "Bearer page-token"),
            (handler.Request.Method, handler.Request.Uri.ToString(), handler.Request.Authorization));
    }

    [Fact]
    public async Task The_greeting_is_posted_to_the_messenger_profile_with_the_page_token()
    {
        handler.Answer(HttpStatusCode.OK, """{"result":"success"}""");

        var set = await Api().SetGreeting("page-token", "Hi {{user_first_name}}, how can we help?", CancellationToken.None);

        Assert.True(set.Value);
        var request = handler.Request;
        Assert.Equal((HttpMethod.Post, Graph + "me/messenger_profile", "Bearer page-token", "application/json; charset=utf-8"),
            (request.Method, request.Uri.ToString(), request.Authorization, request.ContentType));
        SameJson("""{"greeting":[{"locale":"default","text":"Hi {{user_first_name}}, how can we help?"}]}""", request.Body);
    }

    [Theory]
    [InlineData("v24.0", "https://graph.facebook.com/v24.0/")]
    [InlineData("24.0", "https://graph.facebook.com/v24.0/")]
    [InlineData(" v19.0 ", "https://graph.facebook.com/v19.0/")]
    public void The_graph_version_is_configurable(string version, string baseUri) =>
        Assert.Equal(baseUri, new MessengerGraphOptions { GraphVersion = version }.GraphBaseUri().ToString());

    [Theory]
    [InlineData("latest")]
    [InlineData("v23")]
    [InlineData("../v23.0")]
    public void A_version_that_is_not_one_is_refused(string version)
    {
        Assert.Throws<InvalidOperationException>(() => new MessengerGraphOptions { GraphVersion = version }.GraphBaseUri());
        Assert.Throws<InvalidOperationException>(() => new MessengerGraphApi(new HttpClient(), new MessengerGraphOptions { GraphVersion = version }));
    }

    [Fact]
    public async Task With_app_secret_proof_calls_with_a_token_carry_it()
    {
        options = new MessengerGraphOptions { AppId = "app-id", AppSecret = "app-secret", AppSecretProof = true, GraphVersion = "v24.0" };
        handler.Answer(HttpStatusCode.OK, """{"recipient_id":"PSID","message_id":"m_1"}""");

        await Api().SendText(PageId, "page-token", "PSID", Text("Hi"), MessengerSendMode.Response, CancellationToken.None);

        var proof = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("app-secret"), Encoding.UTF8.GetBytes("page-token")));
        Assert.Equal($"https://graph.facebook.com/v24.0/1234567890/messages?appsecret_proof={proof}", handler.Request.Uri.ToString());
    }

    [Fact]
    public async Task With_the_retry_helper_transient_failures_are_sent_again_and_permanent_ones_are_not()
    {
        var waits = new List<TimeSpan>();
        var policy = new MessengerRetryPolicy { Delay = (d, _) => { waits.Add(d); return Task.CompletedTask; } };
        handler.Answer(HttpStatusCode.InternalServerError, Error(2, null, "Please retry your request later."))
            .Answer(HttpStatusCode.BadRequest, Error(613, null, "Calls to this api have exceeded the rate limit."))
            .Answer(HttpStatusCode.OK, """{"recipient_id":"PSID","message_id":"m_ok"}""");
        var api = Api();

        var (sent, attempts) = await MessengerRetry.Run((_, ct) => api.SendText(PageId, "t", "PSID", Text("Hi"), MessengerSendMode.Response, ct),
            policy, TimeProvider.System, CancellationToken.None);

        Assert.Equal((new SendResult.Sent("m_ok", "PSID"), 3), ((SendResult.Sent)sent, attempts));
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4)], waits);
        Assert.Equal(3, handler.Requests.Count);

        handler.Requests.Clear();
        handler.Answer(HttpStatusCode.BadRequest, Error(10, 2018278, "(#10) This message is sent outside of allowed window."));
        var (closed, once) = await MessengerRetry.Run((_, ct) => api.SendText(PageId, "t", "PSID", Text("Hi"), MessengerSendMode.Response, ct),
            policy, TimeProvider.System, CancellationToken.None);

        Assert.Equal((MessengerErrorKind.WindowClosed, 1), (((SendResult.Failed)closed).Kind, once));
        Assert.Single(handler.Requests);
    }
}
