using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What makes a channel's routing valid: whom it assigns to, and the tickets it makes.</summary>
public static class RoutingRules
{
    public static void Check(Validation v, Routing routing, AccountDirectory directory)
    {
        var assignment = routing.Assignment;
        if (assignment.Mode == AssignmentMode.Specific)
        {
            v.Check(assignment.UserIds.Count + assignment.TeamIds.Count > 0, "routing.assignment",
                "Specific assignment needs at least one user or team.");
            DirectoryRules.CheckUsers(v, "routing.assignment.userIds", assignment.UserIds, directory);
            DirectoryRules.CheckTeams(v, "routing.assignment.teamIds", assignment.TeamIds, directory);
            foreach (var id in assignment.UserIds.Where(id => directory.FindUser(id) is { HasPaidSeat: false }))
                v.Add("routing.assignment.userIds", $"User '{id}' has no paid seat and cannot be auto-assigned.");
        }
        else
        {
            v.Check(assignment.UserIds.Count + assignment.TeamIds.Count == 0, "routing.assignment",
                "Users and teams apply only to specific assignment.");
        }

        if (routing.Tickets is { } tickets)
        {
            v.Check(!string.IsNullOrWhiteSpace(tickets.Pipeline), "routing.tickets.pipeline", "The pipeline must not be empty.");
            v.Check(!string.IsNullOrWhiteSpace(tickets.Status), "routing.tickets.status", "The status must not be empty.");
            if (tickets.OwnerId is { } owner)
                DirectoryRules.CheckUsers(v, "routing.tickets.ownerId", [owner], directory);
        }
    }
}
