using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace InboxServerless.Functions.Http;

/// <summary>Maps use-case outcomes to HTTP: JSON bodies in the product's dialect, ETags, and RFC 7807 problem details.</summary>
public static class HttpResults
{
    /// <summary>What a 503 asks the client to wait: an outage of the store or of a provider is usually over in seconds.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The answer to a failure nobody expected: nothing of the exception (no stack, no headers) leaves the server.</summary>
    public static readonly Problem Unexpected = new(ProblemKind.Unexpected, "Something went wrong on our side.",
        "The failure is logged; try again later.");

    public static IResult ToHttp<T>(this Outcome<T> outcome, Func<T, IResult> success) =>
        outcome.IsSuccess ? success(outcome.Value!) : Problem(outcome.Problem!);

    public static IResult Json<T>(T value, int status = StatusCodes.Status200OK, string? etag = null, string? location = null) =>
        new JsonResult<T>(value, status, etag, location, "application/json");

    public static IResult Ok<T>(Versioned<T> versioned) => Json(versioned.Value, etag: versioned.ETag);

    public static IResult Created<T>(Versioned<T> versioned, string location) =>
        Json(versioned.Value, StatusCodes.Status201Created, versioned.ETag, location);

    public static IResult Problem(Problem problem)
    {
        var status = problem.Kind switch
        {
            ProblemKind.Invalid => StatusCodes.Status400BadRequest,
            ProblemKind.Unauthenticated => StatusCodes.Status401Unauthorized,
            ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
            ProblemKind.NotFound => StatusCodes.Status404NotFound,
            ProblemKind.Conflict => StatusCodes.Status409Conflict,
            ProblemKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
            ProblemKind.PreconditionRequired => StatusCodes.Status428PreconditionRequired,
            ProblemKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
            ProblemKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
            ProblemKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
        var body = new ProblemBody($"https://httpstatuses.io/{status}", problem.Title, status, problem.Detail, problem.Errors);
        // A 503 is worth retrying (Meta, Graph and browsers do): say when.
        var retryAfter = status == StatusCodes.Status503ServiceUnavailable ? RetryAfter : (TimeSpan?)null;
        return new JsonResult<ProblemBody>(body, status, null, null, "application/problem+json", retryAfter);
    }

    /// <summary>RFC 7807 problem details; <c>errors</c> names each offending field.</summary>
    public sealed record ProblemBody(string Type, string Title, int Status, string? Detail, IReadOnlyList<FieldError>? Errors);

    private sealed class JsonResult<T>(T value, int status, string? etag, string? location, string contentType, TimeSpan? retryAfter = null) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = contentType;
            if (etag is not null) response.Headers[HeaderNames.ETag] = etag;
            if (location is not null) response.Headers[HeaderNames.Location] = location;
            if (retryAfter is { } wait)
                response.Headers[HeaderNames.RetryAfter] = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await JsonSerializer.SerializeAsync(response.Body, value, InboxJson.Api, httpContext.RequestAborted);
        }
    }
}
