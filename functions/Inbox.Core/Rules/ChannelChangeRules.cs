using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>Channel settings that identify the channel outside and so cannot change once connected.</summary>
public static class ChannelChangeRules
{
    public static Validation Validate(ChannelSettings current, ChannelSettings next, string channelId)
    {
        var v = new Validation();
        v.Check(current.Kind == next.Kind, "kind", "A channel's kind cannot change; disconnect it and connect a new one.");
        v.Check(current.Kind != next.Kind || current.BindingKey(channelId).Value == next.BindingKey(channelId).Value, current switch
        {
            EmailChannel => "address",
            MessengerChannel => "pageId",
            FormChannel => "formId",
            _ => "kind",
        }, "The external id of a connected channel cannot change; disconnect it and connect a new one.");
        return v;
    }
}
