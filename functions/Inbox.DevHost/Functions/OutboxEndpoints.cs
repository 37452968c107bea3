using InboxServerless.Azure.Notifications;
using InboxServerless.Functions.Http;

namespace InboxServerless.DevHost.Functions;

/// <summary>
/// <c>GET /admin/outbox</c>: every e-mail the product would have sent (forwarding addresses' verification messages, the
/// unassigned-conversation notices, the Messenger window warnings), whole (from, to, subject, headers, text, HTML), newest first, so a developer sees them without a mail server. Until the e-mail channel sends for
/// real, the function app keeps them in the same outbox.
/// </summary>
public static class OutboxEndpoints
{
    public static IEndpointRouteBuilder MapOutbox(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("admin/outbox", (OutboxMailSender outbox) => HttpResults.Json(outbox.Sent.Reverse().ToList()))
            .WithDisplayName("DevHost admin: list the e-mail the product would have sent");
        return endpoints;
    }
}
