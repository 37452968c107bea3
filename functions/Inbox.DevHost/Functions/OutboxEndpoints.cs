using InboxServerless.Azure.Notifications;
using InboxServerless.Functions.Http;

namespace InboxServerless.DevHost.Functions;

/// <summary>
/// <c>GET /admin/outbox</c>: every e-mail the product would have sent (forwarding addresses' verification messages, the
/// unassigned-conversation notices, the Messenger window warnings, forwarding inboxes' replies), whole (from, from-name,
/// reply-to, to, subject, threading, headers, text, HTML, attachments by name, type and size), newest first, as Azure
/// Communication Services would send them, so a developer sees them without a mail server. Used when the dev host has no
/// <c>Email:Acs</c> resource.
/// </summary>
public static class OutboxEndpoints
{
    public static IEndpointRouteBuilder MapOutbox(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("admin/outbox", (OutboxMailSender outbox) => HttpResults.Json(outbox.Sent.Reverse().Select(OutboxMailSender.View).ToList()))
            .WithDisplayName("DevHost admin: list the e-mail the product would have sent");
        return endpoints;
    }
}
