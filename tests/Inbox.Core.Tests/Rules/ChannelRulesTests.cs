using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using static InboxServerless.Core.Tests.Assertions;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Rules;

/// <summary>The rules of each kind are tested with it (<see cref="EmailChannelRulesTests"/>, …); these hold what every kind shares.</summary>
public class ChannelRulesTests
{
    [Fact]
    public void Routing_is_validated_for_every_kind_of_channel()
    {
        var badRouting = new Routing { Assignment = new Assignment { Mode = AssignmentMode.Specific } };
        ChannelSettings[] channels =
        [
            Email() with { Routing = badRouting },
            Chat() with { Routing = badRouting },
            Messenger() with { Routing = badRouting },
            Form() with { Routing = badRouting },
        ];

        Assert.All(channels, c => InvalidOn(ChannelRules.Validate(c, "new-1", AnInbox(), AcmeDirectory), "routing.assignment"));
    }
}
