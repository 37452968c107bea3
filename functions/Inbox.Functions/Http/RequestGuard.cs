using InboxServerless.Core.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace InboxServerless.Functions.Http;

/// <summary>
/// Checks made on the raw request, before routing, by every host of the functions (the function app's middleware and
/// the dev host's). The front end (App Service Authentication) decides on the path as the client wrote it whether a
/// request needs a sign-in, while the app routes on the decoded, normalised path: where the two could disagree — an
/// encoded dot segment, slash or backslash — the request is refused rather than guessed at.
/// </summary>
public static class RequestGuard
{
    /// <summary>The routes App Service Authentication lets through unauthenticated (see infra): signed by their senders.</summary>
    public const string WebhookPrefix = "/api/webhooks/";

    private static readonly Problem AmbiguousPath = new(ProblemKind.Invalid, "The request path is not accepted.",
        "Paths with encoded or literal dot segments, encoded slashes or backslashes are refused.");

    private static readonly Problem PrincipalOnWebhook = new(ProblemKind.Invalid, "A webhook takes no principal.",
        $"Webhooks are not behind the sign-in, so a request to one carrying {ClientPrincipal.Header} was forged.");

    /// <summary>
    /// Why the request is refused, or <c>null</c>. <paramref name="rawTarget"/> is the request target of the request line
    /// (origin form <c>/api/…?…</c>, or absolute form <c>http://host/api/…</c>), not yet decoded.
    /// </summary>
    public static Problem? Refusal(string rawTarget, bool carriesPrincipal)
    {
        var path = PathOf(rawTarget);
        foreach (var segment in path.Split('/'))
        {
            if (segment.Contains('\\') || segment.Contains("%5c", StringComparison.OrdinalIgnoreCase) ||
                segment.Contains("%2f", StringComparison.OrdinalIgnoreCase))
                return AmbiguousPath;
            // A literal ".." is resolved by the server, not by every front end; an encoded one by some and not others.
            if (Decode(segment) is "." or "..") return AmbiguousPath;
        }

        var decoded = Decode(path);
        if (carriesPrincipal && (decoded + "/").StartsWith(WebhookPrefix, StringComparison.OrdinalIgnoreCase)) return PrincipalOnWebhook;
        return null;
    }

    private static string PathOf(string rawTarget)
    {
        var target = rawTarget;
        var schemeEnd = target.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0 && !target.StartsWith('/'))
        {
            var pathStart = target.IndexOf('/', schemeEnd + 3);
            target = pathStart < 0 ? "/" : target[pathStart..];
        }

        var end = target.IndexOfAny(['?', '#']);
        return end < 0 ? target : target[..end];
    }

    /// <summary>Percent-decoding as a server would do it once; a malformed escape stays as it is.</summary>
    private static string Decode(string value) => Uri.UnescapeDataString(value);
}

/// <summary>The guard over ASP.NET Core's request, for the middlewares of both hosts.</summary>
public static class RequestGuardHttp
{
    /// <summary>The raw target as the server read it off the request line; the decoded path only if a server does not say.</summary>
    public static Problem? Refusal(HttpContext context) =>
        RequestGuard.Refusal(
            context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : context.Request.Path.ToUriComponent(),
            context.Request.Headers.ContainsKey(ClientPrincipal.Header));

    /// <summary>Answers a refused request with its problem; <c>false</c> when the request may go on.</summary>
    public static async Task<bool> Refused(HttpContext context)
    {
        if (Refusal(context) is not { } problem) return false;
        await HttpResults.Problem(problem).ExecuteAsync(context);
        return true;
    }
}
