using System.Net;
using System.Text;

namespace InboxServerless.Azure.Tests.Messenger;

/// <summary>A request as it left the client: method, URL, headers and body, read before the client disposed it.</summary>
public sealed record SeenRequest(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string? Body);

/// <summary>Answers Graph calls from a queue (the last answer repeats) and records what was asked.</summary>
public sealed class FakeGraphHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> answers = new();
    private Func<HttpResponseMessage> last = () => Json(HttpStatusCode.OK, "{}");

    public List<SeenRequest> Requests { get; } = [];
    public SeenRequest Request => Assert.Single(Requests);

    public FakeGraphHandler Answer(HttpStatusCode status, string json)
    {
        answers.Enqueue(() => Json(status, json));
        return this;
    }

    public FakeGraphHandler Answer(Func<HttpResponseMessage> answer)
    {
        answers.Enqueue(answer);
        return this;
    }

    public FakeGraphHandler Throw(Exception exception)
    {
        answers.Enqueue(() => throw exception);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested(); // as a real handler does
        Requests.Add(new SeenRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(),
            request.Content?.Headers.ContentType?.ToString(), request.Content is null ? null : await request.Content.ReadAsStringAsync(ct)));
        if (answers.TryDequeue(out var next)) last = next;
        return last();
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
