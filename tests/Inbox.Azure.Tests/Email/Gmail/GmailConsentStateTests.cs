using InboxServerless.Azure.Email.Gmail;

namespace InboxServerless.Azure.Tests.Email.Gmail;

public sealed class GmailConsentStateTests
{
    private static readonly GmailConsent Consent = new("acc-1", "in-1", "ch-1", "user-1", "nonce", new DateTimeOffset(2026, 12, 3, 10, 15, 0, TimeSpan.Zero));

    [Fact]
    public void A_state_reads_back_only_with_the_secret_it_was_signed_with_and_unchanged()
    {
        var states = new GmailConsentState(new GmailOptions { ClientSecret = "secret" });
        var state = states.Write(Consent);
        Assert.Equal(Consent, states.Read(state));

        Assert.Null(new GmailConsentState(new GmailOptions { ClientSecret = "other" }).Read(state));
        var (payload, signature) = (state.Split('.')[0], state.Split('.')[1]);
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Consent with { AccountId = "acc-2" }));
        Assert.Null(states.Read($"{forged}.{signature}"));
        Assert.Null(states.Read(payload));
        Assert.Null(states.Read($"{payload}.{signature}.x"));
        Assert.Null(states.Read($"{payload}.not*base64"));
        Assert.Null(states.Read(null));
        Assert.Null(states.Read(""));
        // A host without the secret signs nothing and reads nothing as its own.
        var unkeyed = new GmailConsentState(new GmailOptions());
        Assert.Throws<InvalidOperationException>(() => unkeyed.Write(Consent));
        Assert.Null(unkeyed.Read(state));
    }
}
