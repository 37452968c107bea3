using System.Text;
using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace InboxServerless.Functions.Tests;

public sealed class HttpMappingTests
{
    private static HttpRequest Request(string body, string contentType = "application/json")
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentType = contentType;
        return context.Request;
    }

    private static async Task<(int Status, string? ContentType, JsonElement Body, IHeaderDictionary Headers)> Execute(IResult result)
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var body = context.Response.Body.Length == 0 ? default : JsonDocument.Parse(context.Response.Body).RootElement.Clone();
        return (context.Response.StatusCode, context.Response.ContentType, body, context.Response.Headers);
    }

    [Theory]
    [InlineData("{\"name\":", "name")]
    [InlineData("{\"name\": 5}", "name")]
    [InlineData("{\"name\":\"x\",\"colour\":\"red\"}", "colour")]
    [InlineData("{\"name\":null}", "name")]
    [InlineData("{\"members\":{\"everyone\":true}}", "$")]
    [InlineData("{\"name\":\"a\",\"name\":\"b\"}", "name")]
    [InlineData("[]", "$")]
    [InlineData("null", "$")]
    public async Task A_body_that_does_not_fit_is_invalid_and_names_the_field(string body, string field)
    {
        var outcome = await Request(body).ReadJson<InboxSettings>(default);

        Assert.Equal(ProblemKind.Invalid, outcome.Problem?.Kind);
        Assert.Equal(field, Assert.Single(outcome.Problem!.Errors!).Field);
    }

    [Fact]
    public async Task A_channel_without_its_kind_is_invalid_not_a_crash()
    {
        var outcome = await Request("{\"formId\":\"f\"}").ReadJson<ChannelSettings>(default);

        Assert.Equal("kind", Assert.Single(outcome.Problem!.Errors!).Field);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_unread()
    {
        var outcome = await Request($"{{\"name\":\"{new string('x', RequestReading.MaxBodyBytes)}\"}}").ReadJson<InboxSettings>(default);

        Assert.Equal(ProblemKind.TooLarge, outcome.Problem?.Kind);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_an_unsupported_media_type()
    {
        var outcome = await Request("name=x", "application/x-www-form-urlencoded").ReadJson<InboxSettings>(default);

        Assert.Equal(ProblemKind.UnsupportedMediaType, outcome.Problem?.Kind);
    }

    [Theory]
    [InlineData(ProblemKind.Invalid, 400)]
    [InlineData(ProblemKind.Unauthenticated, 401)]
    [InlineData(ProblemKind.Forbidden, 403)]
    [InlineData(ProblemKind.NotFound, 404)]
    [InlineData(ProblemKind.Conflict, 409)]
    [InlineData(ProblemKind.PreconditionFailed, 412)]
    [InlineData(ProblemKind.TooLarge, 413)]
    [InlineData(ProblemKind.UnsupportedMediaType, 415)]
    [InlineData(ProblemKind.PreconditionRequired, 428)]
    public async Task Problems_become_rfc_7807_details_with_their_status(ProblemKind kind, int status)
    {
        var (actual, contentType, body, _) = await Execute(HttpResults.Problem(new Problem(kind, "Title", "Detail", [new FieldError("f", "m")])));

        Assert.Equal(status, actual);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal("Title", body.GetProperty("title").GetString());
        Assert.Equal("f", body.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Unavailable_is_a_503_that_says_when_to_retry()
    {
        var (status, contentType, _, headers) = await Execute(HttpResults.Problem(new Problem(ProblemKind.Unavailable, "Down")));

        Assert.Equal((503, "application/problem+json"), (status, contentType));
        Assert.Equal("5", headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Ten_thousand_field_errors_list_twenty_and_count_the_rest()
    {
        var validation = new Validation();
        for (var i = 0; i < 10_000; i++) validation.Add($"members.userIds[{i}]", $"No user 'user-{i}' in the account.");

        var outcome = validation.Result("value");
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        await HttpResults.Problem(outcome.Problem!).ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var body = JsonDocument.Parse(context.Response.Body).RootElement;

        Assert.Equal(Problem.MaxListedErrors, body.GetProperty("errors").GetArrayLength());
        Assert.EndsWith("and 9,980 more.", body.GetProperty("detail").GetString());
        Assert.True(context.Response.Body.Length < 8 * 1024, $"{context.Response.Body.Length} bytes");
    }

    [Fact]
    public async Task Created_carries_location_and_etag()
    {
        var (status, _, body, headers) = await Execute(HttpResults.Created(new Versioned<Account>(new Account("a1", "Acme"), "\"e1\""), "/api/x/a1"));

        Assert.Equal(201, status);
        Assert.Equal("/api/x/a1", headers.Location.ToString());
        Assert.Equal("\"e1\"", headers.ETag.ToString());
        Assert.Equal("Acme", body.GetProperty("name").GetString());
    }
}
