using InboxServerless.Core.Application.Routing;
using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Tests.Application.Routing;

public class MessengerGreetingTests
{
    [Fact]
    public void A_greeting_is_the_instant_reply_then_the_explicit_question_with_buttons_or_the_implicit_notice()
    {
        var page = new MessengerChannel
        {
            PageId = "1", PageName = "Acme", InstantReply = new InstantReply { Enabled = true, Text = "Thanks!" },
            Consent = new MessengerConsent { Mode = ConsentMode.Explicit, Text = "May we?" },
        };

        var explicitly = MessengerGreeting.Of(page)!.Messages().ToList();
        var implicitly = MessengerGreeting.Of(page with { Consent = new MessengerConsent { Mode = ConsentMode.Implicit, Text = "By writing you agree." } })!
            .Messages().ToList();
        var noReply = MessengerGreeting.Of(page with
        {
            InstantReply = new InstantReply(), Consent = new MessengerConsent { Mode = ConsentMode.Implicit, Text = "By writing you agree." },
        });

        Assert.Equal(["Thanks!", "May we?"], explicitly.Select(m => m.Text));
        Assert.Null(explicitly[0].QuickReplies);
        Assert.Equal(["Yes=CONSENT_YES", "No=CONSENT_NO"], explicitly[1].QuickReplies!.Select(q => $"{q.Title}={q.Payload}"));
        Assert.Equal(["Thanks!", "By writing you agree."], implicitly.Select(m => m.Text));
        Assert.All(implicitly, m => Assert.Null(m.QuickReplies));
        Assert.Null(noReply); // the implicit notice is shown with the instant reply, not alone
    }
}
