using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class TicketRulesTests
{
    [Fact]
    public void A_contact_holds_at_most_a_thousand_tickets()
    {
        Assert.Equal(1_000, TicketRules.MaxTicketsPerContact);
    }

    [Fact]
    public void The_note_of_a_ticket_not_made_names_the_limit()
    {
        Assert.Equal("No ticket was created: the contact has reached its limit of 3 associated tickets.", TicketRules.LimitReachedNote(3));
    }
}
