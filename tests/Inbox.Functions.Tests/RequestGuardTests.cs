using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace InboxServerless.Functions.Tests;

public sealed class RequestGuardTests
{
    [Theory]
    [InlineData("/api/inboxes")]
    [InlineData("/api/inboxes?pageSize=5&continuationToken=a%2Fb%2e%2e")] // the query is not the path
    [InlineData("/api/inboxes/inbox-1/channels/c.1")]
    [InlineData("/api/tickets/a%20b")]
    [InlineData("/api/inboxes/...")] // three dots name nothing special
    [InlineData("http://localhost:7071/api/inboxes")]
    public void Lets_ordinary_paths_through(string target) => Assert.Null(RequestGuard.Refusal(target, carriesPrincipal: true));

    [Theory]
    [InlineData("/api/webhooks/%2e%2e/inboxes")]
    [InlineData("/api/webhooks/%2E%2E/inboxes")]
    [InlineData("/api/webhooks/.%2e/inboxes")]
    [InlineData("/api/webhooks/%2e./inboxes")]
    [InlineData("/api/webhooks/%2e/../inboxes")]
    [InlineData("/api/webhooks/%2e/inboxes")]
    [InlineData("/api/webhooks/../inboxes")]
    [InlineData("/api/./inboxes")]
    [InlineData("/api/webhooks/messenger/..")]
    [InlineData("/api/webhooks%2f..%2finboxes")]
    [InlineData("/api/webhooks%2F..%2Finboxes")]
    [InlineData("/api/webhooks/..%5cinboxes")]
    [InlineData("/api/webhooks/..%5Cinboxes")]
    [InlineData("/api/webhooks/..\\inboxes")]
    [InlineData("http://localhost/api/webhooks/%2e%2e/inboxes?x=1")]
    public void Refuses_encoded_dot_segments_slashes_and_backslashes(string target)
    {
        var problem = RequestGuard.Refusal(target, carriesPrincipal: false);

        Assert.Equal(ProblemKind.Invalid, problem?.Kind);
    }

    [Theory]
    [InlineData("/api/webhooks/messenger", true, true)]
    [InlineData("/API/Webhooks/messenger", true, true)]
    [InlineData("/api/webhook%73/messenger", true, true)] // decoded, as the app routes it
    [InlineData("/api/webhooks", true, true)]
    [InlineData("/api/webhooks/messenger", false, false)]
    [InlineData("/api/webhooks/messenger?hub.mode=subscribe&hub.challenge=42", false, false)]
    [InlineData("/api/inboxes", true, false)]
    [InlineData("/api/webhooksx", true, false)]
    public void Refuses_a_principal_on_a_webhook(string target, bool carriesPrincipal, bool refused) =>
        Assert.Equal(refused, RequestGuard.Refusal(target, carriesPrincipal) is { Kind: ProblemKind.Invalid });
}

/// <summary>The adapter both hosts' middlewares call: it reads the raw target, not the decoded path.</summary>
public sealed class RequestGuardHttpTests
{
    private static DefaultHttpContext Request(string rawTarget, string decodedPath, bool principal)
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        context.Request.Path = decodedPath;
        if (principal) context.Request.Headers[ClientPrincipal.Header] = ClientPrincipal.Encode("acme", "mallory", ClientPrincipal.AccountAdminRole);
        context.Response.Body = new MemoryStream();
        return context;
    }

    [Fact]
    public async Task Refuses_by_the_raw_target_with_a_problem()
    {
        var context = Request("/api/webhooks/%2e%2e/inboxes", "/api/inboxes", principal: true);

        Assert.True(await RequestGuardHttp.Refused(context));
        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
    }

    [Fact]
    public async Task Lets_an_ordinary_request_through_untouched()
    {
        var context = Request("/api/inboxes?pageSize=5", "/api/inboxes", principal: true);

        Assert.False(await RequestGuardHttp.Refused(context));
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(0, context.Response.Body.Length);
    }
}
