using System.Buffers.Text;
using System.Text;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;

namespace InboxServerless.Functions.Http;

/// <summary>
/// A page's <c>continuationToken</c> is the store's own token in base64url: opaque, and safe in a query string as it is
/// (the store's is JSON, which a client would have to URL-encode). One that cannot be read (made up, cut, from another
/// list) is the client's mistake: a 400 naming it, not a server error.
/// </summary>
public static class ContinuationTokens
{
    private static readonly Problem Unreadable =
        Problem.Invalid("continuationToken", "Not a continuation token of this list; start again from the first page.");

    public static async Task<Outcome<Page<T>>> Reading<T>(string? continuationToken, Func<string?, Task<Outcome<Page<T>>>> list)
    {
        string? storeToken = null;
        if (continuationToken is not null && (storeToken = Decode(continuationToken)) is null) return Unreadable;
        try
        {
            return (await list(storeToken)).Map(page => page with { ContinuationToken = Encode(page.ContinuationToken) });
        }
        catch (UnreadableContinuationToken) when (storeToken is not null)
        {
            return Unreadable;
        }
    }

    public static string? Encode(string? storeToken) => storeToken is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(storeToken));

    /// <returns>The store's token; <c>null</c> when the text is not base64url of UTF-8.</returns>
    public static string? Decode(string token)
    {
        if (token.Length == 0 || !Base64Url.IsValid(token)) return null;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
