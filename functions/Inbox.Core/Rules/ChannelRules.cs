using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What makes a channel's settings valid within its inbox and account: its routing, then the rules of its kind.</summary>
public static class ChannelRules
{
    /// <param name="channelId">The channel's id, to tell it apart from the inbox's other channels.</param>
    public static Validation Validate(ChannelSettings settings, string channelId, Inbox inbox, AccountDirectory directory)
    {
        var v = new Validation();
        RoutingRules.Check(v, settings.Routing, directory);
        switch (settings)
        {
            case EmailChannel email: EmailChannelRules.Check(v, email, directory); break;
            case ChatChannel chat: ChatChannelRules.Check(v, chat, channelId, inbox, directory); break;
            case MessengerChannel messenger: MessengerChannelRules.Check(v, messenger); break;
            case FormChannel form: FormChannelRules.Check(v, form); break;
        }

        return v;
    }
}
