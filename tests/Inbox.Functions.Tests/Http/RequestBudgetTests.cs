using System.Diagnostics;
using System.Net;
using System.Text;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;

namespace InboxServerless.Functions.Tests.Http;

/// <summary>
/// The answers <see cref="RequestBudget"/> gives both hosts. The dev host's side is tested over HTTP
/// (EndToEnd Faults/StoreOutageTests); here the worker's, whose functions do not see the budget's token.
/// </summary>
public sealed class RequestBudgetTests
{
    private static readonly RequestBudget Budget = new(
        new RequestBudgetOptions { ApiBudget = TimeSpan.FromMilliseconds(300), WebhookBudget = TimeSpan.FromMilliseconds(200) },
        NullLogger<RequestBudget>.Instance);

    private static DefaultHttpContext Context(string path = "/api/inboxes") =>
        new() { Request = { Method = "GET", Path = path }, Response = { Body = new MemoryStream() } };

    private static async Task<(int Status, string? RetryAfter, string Body)> Answer(IResult? result)
    {
        Assert.NotNull(result);
        var context = Context();
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, context.Response.Headers.RetryAfter.ToString(), Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    [Fact]
    public async Task Work_that_ignores_the_token_is_answered_503_when_the_budget_runs_out()
    {
        var never = new TaskCompletionSource();
        var watch = Stopwatch.StartNew();

        var answer = await Budget.Run(Context(), () => never.Task, answerWhenOverBudget: true);

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        var (status, retryAfter, _) = await Answer(answer);
        Assert.Equal((503, "5"), (status, retryAfter));
    }

    [Fact]
    public void Webhooks_have_their_own_budget()
    {
        var context = Context("/api/webhooks/messenger");

        Assert.Equal(TimeSpan.FromMilliseconds(200), Budget.For(context.Request));
        Assert.Equal(TimeSpan.FromMilliseconds(300), Budget.For(Context().Request));
        // Forwarded mail is uploaded whole, up to 25 MB, within its request.
        Assert.Equal(TimeSpan.FromSeconds(60), Budget.For(Context("/api/webhooks/email/channel-1").Request));
    }

    [Fact]
    public async Task The_token_the_work_sees_is_cancelled_by_the_budget()
    {
        var context = Context();

        var answer = await Budget.Run(context, () => Task.Delay(Timeout.Infinite, context.RequestAborted), answerWhenOverBudget: false);

        Assert.Equal(503, (await Answer(answer)).Status);
    }

    public static TheoryData<Exception> Outages() => new()
    {
        new CosmosException("Request timed out.", HttpStatusCode.RequestTimeout, 0, "a", 0),
        new CosmosException("Service unavailable.", HttpStatusCode.ServiceUnavailable, 0, "a", 0),
        new CosmosException("Internal error.", HttpStatusCode.InternalServerError, 0, "a", 0),
        new CosmosException("Too many requests.", HttpStatusCode.TooManyRequests, 0, "a", 0),
        new HttpRequestException("Connection refused (127.0.0.1:8081)"),
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task A_store_outage_is_a_503_with_retry_after(Exception outage)
    {
        var (status, retryAfter, body) = await Answer(await Budget.Run(Context(), () => throw outage, answerWhenOverBudget: true));

        Assert.Equal((503, "5"), (status, retryAfter));
        Assert.DoesNotContain(outage.Message, body);
    }

    [Fact]
    public async Task Anything_else_is_a_generic_500_with_nothing_of_the_exception()
    {
        var context = Context();
        context.Request.Headers[ClientPrincipal.Header] = "c2VjcmV0LXByaW5jaXBhbA==";
        var bug = new InvalidOperationException("secret detail");

        var (status, retryAfter, body) = await Answer(await Budget.Run(context, () => throw bug, answerWhenOverBudget: true));

        Assert.Equal((500, ""), (status, retryAfter));
        Assert.DoesNotContain("secret detail", body);
        Assert.DoesNotContain("c2VjcmV0", body);
        Assert.DoesNotContain(" at ", body);
    }

    [Fact]
    public async Task Success_is_left_alone_and_the_requests_own_token_is_restored()
    {
        var context = Context();
        var original = context.RequestAborted;

        Assert.Null(await Budget.Run(context, () => Task.CompletedTask, answerWhenOverBudget: true));
        Assert.Equal(original, context.RequestAborted);
    }
}
