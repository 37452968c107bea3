using InboxServerless.Core.Ports;

namespace InboxServerless.Core.Tests.Ports;

public sealed class SecretNamesTests
{
    [Fact]
    public void A_Gmail_refresh_token_is_named_per_account_and_channel_within_Key_Vaults_rules()
    {
        var name = SecretNames.GmailRefreshToken("account|with odd/chars", "channel-1");
        Assert.True(SecretNames.IsValid(name));
        Assert.StartsWith("gmail-refresh-", name);
        Assert.NotEqual(name, SecretNames.GmailRefreshToken("account|with odd/chars", "channel-2"));
        Assert.NotEqual(name, SecretNames.GmailRefreshToken("other", "channel-1"));
        // Length-prefixed digests: the same characters split differently are different pairs.
        Assert.NotEqual(SecretNames.GmailRefreshToken("a|b", "c"), SecretNames.GmailRefreshToken("a", "b|c"));
        Assert.NotEqual(name, SecretNames.MessengerPageToken("account|with odd/chars", "channel-1"));
    }
}
