using System.Text.Json;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace InboxServerless.Functions.Http;

public static class RequestReading
{
    /// <summary>Admin bodies are small; anything larger is refused before it is parsed.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Reads a JSON body strictly: malformed JSON, wrong types, unknown or missing fields are a 400 naming the field.</summary>
    public static async Task<Outcome<T>> ReadJson<T>(this HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return new Problem(ProblemKind.UnsupportedMediaType, "Send JSON.", $"Content-Type '{type}' is not application/json.");
        var body = await request.ReadBytes(MaxBodyBytes, ct);
        if (!body.IsSuccess) return body.Problem!;

        try
        {
            return JsonSerializer.Deserialize<T>(body.Value.Span, InboxJson.Api) is { } value
                ? value
                : Problem.Invalid("$", "The body must be a JSON object.");
        }
        catch (JsonException e)
        {
            return Problem.Invalid(FieldOf(e.Path), Describe(e));
        }
        catch (NotSupportedException e)
        {
            // The serializer's answer to a polymorphic body without its "kind": at the root, or nested (the email preview's
            // "channel"), which only its message says ("… Path: $.channel | LineNumber: …").
            var at = e.Message.Split("Path: ", 2) is [_, var rest] ? rest.Split(' ', 2)[0] : null;
            return Problem.Invalid(at is null or "$" ? "kind" : $"{FieldOf(at)}.kind", "Missing kind; use email, chat, messenger or form.");
        }
    }

    /// <summary>The raw body, refused unread past <paramref name="maxBytes"/> (by its Content-Length or as it streams in).</summary>
    public static async Task<Outcome<ReadOnlyMemory<byte>>> ReadBytes(this HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);

        // Sized by Content-Length when there is one, plus a byte for the read that finds the end: one allocation on the
        // webhooks' hot path. Without one it grows as the body streams in.
        var buffer = new byte[request.ContentLength is { } length ? (int)length + 1 : 4096];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, maxBytes + 1L));
            var read = await request.Body.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0) return new ReadOnlyMemory<byte>(buffer, 0, filled);
            filled += read;
            if (filled > maxBytes) return TooLarge(maxBytes);
        }
    }

    private static Problem TooLarge(int maxBytes) => new(ProblemKind.TooLarge, "The body is too large.", $"At most {maxBytes} bytes.");

    public static string? IfMatch(this HttpRequest request) =>
        request.Headers.TryGetValue(HeaderNames.IfMatch, out var value) && value.Count > 0 ? value.ToString() : null;

    public static string? Query(this HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    public static Outcome<int?> QueryInt(this HttpRequest request, string name) =>
        request.Query(name) is not { } text ? (int?)null : int.TryParse(text, out var n) ? n : Problem.Invalid(name, "Must be a whole number.");

    /// <summary>"$.chat.accentColor" → "chat.accentColor", the way fields are named in problem details.</summary>
    private static string FieldOf(string? path) => path is null or "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    /// <summary>The serializer's message names .NET types; say what is wrong in the request's terms.</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal)) return "Unknown field.";
        if (message.Contains("missing required properties", StringComparison.Ordinal) ||
            message.Contains("missing required", StringComparison.OrdinalIgnoreCase))
            return "Required fields are missing: " + RequiredList(message);
        if (message.Contains("could not be converted", StringComparison.Ordinal)) return "The value has the wrong type or is not allowed here.";
        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase))
            return "Must not be null.";
        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)) return "The field is given twice.";
        if (message.Contains("type discriminator", StringComparison.OrdinalIgnoreCase) || message.Contains("'kind'", StringComparison.Ordinal))
            return "Unknown or missing kind; use email, chat, messenger or form.";
        return "Not valid JSON for this request.";
    }

    private static string RequiredList(string message)
    {
        var start = message.IndexOf(':', StringComparison.Ordinal);
        return start < 0 ? message : message[(start + 1)..].Trim().TrimEnd('.');
    }
}
