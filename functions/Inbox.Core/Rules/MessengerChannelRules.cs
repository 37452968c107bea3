using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What makes a Messenger channel valid: its page, and texts that fit what Facebook shows and sends.</summary>
public static class MessengerChannelRules
{
    /// <summary>Facebook shows at most 160 characters of a page greeting.</summary>
    public const int MaxGreetingLength = 160;

    /// <summary>Messenger's Send API accepts at most 2,000 characters of text.</summary>
    public const int MaxMessengerText = 2_000;

    public static void Check(Validation v, MessengerChannel messenger)
    {
        v.Check(messenger.PageId.Length is > 0 and <= 32 && messenger.PageId.All(char.IsAsciiDigit), "pageId", "A page id is a number.");
        v.Check(messenger.PageName.Trim().Length is > 0 and <= 200, "pageName", "The page name must be 1 to 200 characters.");
        v.CheckCharacters("pageName", messenger.PageName);
        v.Check(messenger.Greeting is null || messenger.Greeting.Length <= MaxGreetingLength, "greeting",
            $"A greeting is at most {MaxGreetingLength} characters.");
        var reply = messenger.InstantReply;
        v.Check(!reply.Enabled || reply.Text?.Trim().Length is > 0 and <= MaxMessengerText, "instantReply.text",
            $"An instant reply needs a text of 1 to {MaxMessengerText} characters.");
        var consent = messenger.Consent;
        v.Check(consent.Mode != ConsentMode.Explicit || consent.Text?.Trim().Length is > 0 and <= MaxMessengerText, "consent.text",
            $"Explicit consent needs a text of 1 to {MaxMessengerText} characters.");
        // The implicit notice is sent with the instant reply, so it must fit a message too.
        v.Check(consent.Mode != ConsentMode.Implicit || consent.Text is null || consent.Text.Length <= MaxMessengerText, "consent.text",
            $"A consent text is at most {MaxMessengerText} characters.");
    }
}
