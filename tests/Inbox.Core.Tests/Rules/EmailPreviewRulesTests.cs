using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class EmailPreviewRulesTests
{
    [Theory]
    [InlineData("help@contoso.com", "Jane Doe at Contoso", "Jane Doe at Contoso <help@contoso.com>")]
    [InlineData(" help@contoso.com ", " Contoso ", "Contoso <help@contoso.com>")]
    [InlineData("help@contoso.com", null, "help@contoso.com")] // Office 365: the mailbox's own name shows
    [InlineData("help@contoso.com", " ", "help@contoso.com")]
    public void The_sender_is_shown_as_a_mail_client_shows_it(string address, string? fromName, string shown) =>
        Assert.Equal(shown, EmailPreviewRules.From(address, fromName));

}
