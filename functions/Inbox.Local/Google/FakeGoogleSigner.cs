using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InboxServerless.Local.Google;

/// <summary>
/// Signs OIDC tokens as Google does for Pub/Sub's authenticated pushes (RS256, a key id, the claims Google writes), with
/// an RSA key of its own, and publishes that key as a JWKS: what the product checks, without Google.
/// </summary>
public sealed class FakeGoogleSigner : IDisposable
{
    private readonly RSA rsa = RSA.Create(2048);

    public FakeGoogleSigner(string keyId = "fake-google-key") => KeyId = keyId;

    public string KeyId { get; }

    /// <summary>The public key, as <c>https://www.googleapis.com/oauth2/v3/certs</c> publishes Google's.</summary>
    public string Jwks()
    {
        var key = rsa.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA", ["alg"] = "RS256", ["use"] = "sig", ["kid"] = KeyId,
                ["n"] = Base64Url.EncodeToString(key.Modulus), ["e"] = Base64Url.EncodeToString(key.Exponent),
            }),
        }.ToJsonString();
    }

    /// <summary>A push token: <c>iss</c> Google, <c>aud</c>, <c>email</c> verified, issued at <paramref name="issuedAt"/> for an hour.</summary>
    public string PushToken(string audience, string serviceAccount, DateTimeOffset issuedAt, string issuer = "https://accounts.google.com",
        bool emailVerified = true) =>
        Sign(new JsonObject
        {
            ["aud"] = audience,
            ["azp"] = "1234567890",
            ["email"] = serviceAccount,
            ["email_verified"] = emailVerified,
            ["exp"] = issuedAt.AddHours(1).ToUnixTimeSeconds(),
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["iss"] = issuer,
            ["sub"] = "1234567890",
        });

    public string Sign(JsonObject claims)
    {
        var header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["alg"] = "RS256", ["kid"] = KeyId, ["typ"] = "JWT" }));
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = rsa.SignData(System.Text.Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    public void Dispose() => rsa.Dispose();
}
