using Azure.Core;
using InboxServerless.Azure.Email;
using InboxServerless.Local;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InboxServerless.DevHost;

/// <summary>
/// <c>DevHost:FakeGraph</c>: Office 365 mailboxes against <see cref="FakeGraph"/> on a loopback port instead of Microsoft
/// Graph, so a laptop without an Entra app can connect a mailbox and receive its mail: Graph's base URL points at the
/// fake, a fixed token stands for the app's credential, and Graph notifies this host's own webhooks.
/// </summary>
public static class FakeGraphServices
{
    public const string Setting = "DevHost:FakeGraph";

    /// <summary>Starts the fake and points the Graph settings at it; the container owns it from then on.</summary>
    public static async Task<FakeGraph> AddFakeGraph(this WebApplicationBuilder builder)
    {
        var fake = await FakeGraph.Start();
        fake.AnyMailbox = true; // a developer connects whatever address the channel names
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Graph:BaseUrl"] = fake.BaseUrl,
            ["Graph:ClientId"] = string.IsNullOrEmpty(builder.Configuration["Graph:ClientId"]) ? "dev-host-app" : builder.Configuration["Graph:ClientId"],
        });
        builder.Services.AddSingleton(_ => fake);
        builder.Services.Replace(ServiceDescriptor.Singleton<IGraphCredentials, FixedToken>());
        return fake;
    }

    /// <summary>Once Kestrel is bound: Graph notifies this host's own webhooks, unless the settings name others.</summary>
    public static void NotifyThisHost(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<GraphOptions>();
        var self = app.Addresses().First();
        if (string.IsNullOrEmpty(options.NotificationUrl)) options.NotificationUrl = new Uri(self, "api/webhooks/graph").ToString();
        if (string.IsNullOrEmpty(options.LifecycleNotificationUrl)) options.LifecycleNotificationUrl = new Uri(self, "api/webhooks/graph/lifecycle").ToString();
    }

    /// <summary>
    /// <c>POST /admin/fake-graph/users/{address}/messages</c> with <c>{"from","subject","text","conversationId"?,"inReplyTo"?}</c>:
    /// mail arrives in the fake mailbox, and Graph notifies this host as it would. Answers the message's Graph id.
    /// </summary>
    public static void MapFakeGraph(this WebApplication app) =>
        app.MapPost("/admin/fake-graph/users/{address}/messages", async (string address, FakeMailRequest mail, FakeGraph graph, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(mail.From) || !mail.From.Contains('@', StringComparison.Ordinal))
                return Results.Problem(title: "Give the sender's address as \"from\".", statusCode: StatusCodes.Status400BadRequest);
            var id = await graph.Deliver(address, new FakeMail(mail.From, mail.Subject ?? "", mail.Text ?? "",
                ConversationId: mail.ConversationId, InReplyTo: mail.InReplyTo), ct);
            return Results.Json(new { id }, statusCode: StatusCodes.Status201Created);
        });

    public sealed record FakeMailRequest(string From, string? Subject, string? Text, string? ConversationId, string? InReplyTo);

    /// <summary>The fake takes any bearer token.</summary>
    private sealed class FixedToken : IGraphCredentials
    {
        public TokenCredential For(string tenantId) => new Credential();

        private sealed class Credential : TokenCredential
        {
            public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                new("dev-host-fake-graph-token", DateTimeOffset.UtcNow.AddHours(1));

            public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                ValueTask.FromResult(GetToken(requestContext, cancellationToken));
        }
    }
}
