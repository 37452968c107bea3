using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace InboxServerless.Azure.Email.Acs;

/// <summary>
/// Signs each try of a request with the connection string's access key (docs/wire-contracts.md#azure-communication-services-email):
/// <c>x-ms-date</c>, <c>x-ms-content-sha256</c> and <c>Authorization: HMAC-SHA256 SignedHeaders=…&amp;Signature=…</c> over
/// <c>VERB\npath-and-query\ndate;host;content-hash</c>. Per try, so a retry carries a fresh date.
/// </summary>
public sealed class AcsHmacPolicy(byte[] accessKey, TimeProvider clock) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var contentHash = ContentHash(message);
        var date = clock.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
        var uri = message.Request.Uri.ToUri();
        var stringToSign = $"{message.Request.Method.Method}\n{uri.PathAndQuery}\n{date};{uri.Authority};{contentHash}";
        using var hmac = new HMACSHA256(accessKey);
        var signature = Convert.ToBase64String(hmac.ComputeHash(Encoding.ASCII.GetBytes(stringToSign)));
        message.Request.Headers.SetValue("x-ms-date", date);
        message.Request.Headers.SetValue("x-ms-content-sha256", contentHash);
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}");
    }

    /// <summary>Base64 of the body's SHA-256; of no bytes for a GET.</summary>
    private static string ContentHash(HttpMessage message)
    {
        using var body = new MemoryStream();
        message.Request.Content?.WriteTo(body, message.CancellationToken);
        return Convert.ToBase64String(SHA256.HashData(body.ToArray()));
    }
}
