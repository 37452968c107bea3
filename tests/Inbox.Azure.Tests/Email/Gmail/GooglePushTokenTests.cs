using System.Text.Json.Nodes;
using InboxServerless.Azure.Email.Gmail;
using InboxServerless.Local.Google;
using Microsoft.IdentityModel.Tokens;

namespace InboxServerless.Azure.Tests.Email.Gmail;

/// <summary>Pub/Sub's push tokens as Google signs them (RS256, Google's claims), signed here with the test's own RSA key.</summary>
public sealed class GooglePushTokenTests : IDisposable
{
    public const string Audience = "https://inbox.example/api/webhooks/gmail";
    public const string ServiceAccount = "gmail-push@project.iam.gserviceaccount.com";

    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeGoogleSigner google = new();
    private readonly FakeTimeProvider clock = new(Now);

    /// <summary>The test's key as the verifier's key source: what Google's JWKS would give.</summary>
    public sealed class TestKeys(params FakeGoogleSigner[] signers) : IGoogleSigningKeys
    {
        public int Refreshes { get; private set; }

        public Task<IReadOnlyList<SecurityKey>> Keys(bool refresh, CancellationToken ct)
        {
            if (refresh) Refreshes++;
            return Task.FromResult<IReadOnlyList<SecurityKey>>([.. signers.SelectMany(s => new JsonWebKeySet(s.Jwks()).GetSigningKeys())]);
        }
    }

    public static GmailOptions Options() => new() { PushAudience = Audience, PushServiceAccount = ServiceAccount };

    private GooglePushToken Verifier(IGoogleSigningKeys? keys = null) => new(keys ?? new TestKeys(google), Options(), clock);

    private Task<string?> Check(string? token) => Verifier().Refusal(token is null ? null : "Bearer " + token, CancellationToken.None);

    [Fact]
    public async Task A_token_Google_signed_for_our_audience_as_the_push_account_is_accepted()
    {
        Assert.Null(await Check(google.PushToken(Audience, ServiceAccount, Now.AddMinutes(-1))));
        Assert.Null(await Check(google.PushToken(Audience, ServiceAccount, Now, issuer: "accounts.google.com")));
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused_even_under_Googles_key_id()
    {
        using var forger = new FakeGoogleSigner(google.KeyId);
        var keys = new TestKeys(google);
        Assert.NotNull(await Verifier(keys).Refusal("Bearer " + forger.PushToken(Audience, ServiceAccount, Now), CancellationToken.None));

        // An unknown key id reads Google's keys again once (a rotation), and is still refused.
        using var unknown = new FakeGoogleSigner("rotated-key");
        Assert.NotNull(await Verifier(keys).Refusal("Bearer " + unknown.PushToken(Audience, ServiceAccount, Now), CancellationToken.None));
        Assert.Equal(1, keys.Refreshes);
    }

    [Fact]
    public async Task Wrong_audience_account_issuer_unverified_email_or_expiry_are_refused()
    {
        Assert.Equal("The token is for another audience.", await Check(google.PushToken("https://elsewhere.example/", ServiceAccount, Now)));
        Assert.Equal("The token is not the push subscription's service account.", await Check(google.PushToken(Audience, "evil@project.iam.gserviceaccount.com", Now)));
        Assert.Equal("The token was not issued by Google.", await Check(google.PushToken(Audience, ServiceAccount, Now, issuer: "https://evil.example")));
        Assert.Equal("The token's e-mail is not verified.", await Check(google.PushToken(Audience, ServiceAccount, Now, emailVerified: false)));
        // Issued an hour and six minutes ago: its hour and the five minutes' skew are over.
        Assert.Equal("The token has expired.", await Check(google.PushToken(Audience, ServiceAccount, Now.AddMinutes(-66))));
        Assert.Null(await Check(google.PushToken(Audience, ServiceAccount, Now.AddMinutes(-64))));
        Assert.Equal("The token is not valid yet.", await Check(google.PushToken(Audience, ServiceAccount, Now.AddMinutes(10))));
    }

    [Fact]
    public async Task No_token_a_non_JWT_or_an_unsigned_token_is_refused()
    {
        Assert.NotNull(await Check(null));
        Assert.NotNull(await Verifier().Refusal("Basic dXNlcjpwYXNz", CancellationToken.None));
        Assert.NotNull(await Check("not-a-jwt"));
        var unsigned = google.PushToken(Audience, ServiceAccount, Now).Split('.');
        var none = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }.ToJsonString()));
        Assert.NotNull(await Check($"{none}.{unsigned[1]}."));
        Assert.NotNull(await Check($"{unsigned[0]}.{unsigned[1]}."));
    }

    public void Dispose() => google.Dispose();
}
