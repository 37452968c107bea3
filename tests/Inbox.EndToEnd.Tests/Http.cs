using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>Small helpers for JSON over HTTP, with the raw bodies the API's clients would send.</summary>
internal static class Http
{
    public static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> Send(this HttpClient client, HttpMethod method, string path, string? json = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = Json(json);
        // Sent as is: the API's ETags are opaque strings, quoted or not.
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    public static async Task<JsonNode> Body(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body.");

    public static string ETag(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("ETag", out var values) ? values.Single() : throw new InvalidOperationException("No ETag header.");

    public static async Task<HttpResponseMessage> Expect(this Task<HttpResponseMessage> sending, HttpStatusCode status)
    {
        var response = await sending;
        if (response.StatusCode != status)
        {
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status} {status}, " +
                        $"got {(int)response.StatusCode} {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return response;
    }

    /// <summary>Asserts an RFC 7807 answer with this status, and returns the fields its <c>errors</c> name.</summary>
    public static async Task<IReadOnlyList<string>> Problem(this Task<HttpResponseMessage> sending, HttpStatusCode status)
    {
        var response = await sending.Expect(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Body();
        Assert.Equal((int)status, body["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(body["title"]?.GetValue<string>()));
        return body["errors"] is JsonArray errors ? [.. errors.Select(e => e!["field"]!.GetValue<string>())] : [];
    }

    public static async Task<IReadOnlyList<string>> InboxIds(this HttpClient client)
    {
        var body = await (await client.GetAsync("api/inboxes").Expect(HttpStatusCode.OK)).Body();
        return [.. body["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];
    }
}
