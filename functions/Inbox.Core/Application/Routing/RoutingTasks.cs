using Microsoft.DurableTask;

namespace InboxServerless.Core.Application;

/// <summary>
/// Registers the routing orchestration and its activities with a Durable Task engine (the in-process one of the dev host
/// and the tests). The function app registers the same logic through its [Function] wrappers, under the same names.
/// </summary>
public static class RoutingTasks
{
    public static void Register(DurableTaskRegistry registry)
    {
        // Every orchestration of the app, so that the hosts keep calling this one method.
        Setup.SetupWizardTasks.Register(registry);
        registry.AddOrchestrator<RouteInboundEvent>();
        Add<string, RouteTarget?>(registry, RouteInboundEvent.Activities.ResolveChannel, (a, key, ct) => a.ResolveChannel(key, ct));
        Add<RouteRequest, FoundThread>(registry, RouteInboundEvent.Activities.FindConversation, (a, r, ct) => a.FindConversation(r, ct));
        Add<RouteRequest, string?>(registry, RouteInboundEvent.Activities.FindOrCreateContact, (a, r, ct) => a.FindOrCreateContact(r, ct));
        Add<AppendRequest, Appended>(registry, RouteInboundEvent.Activities.AppendMessage, (a, r, ct) => a.AppendMessage(r, ct));
        Add<ConversationRef, string?>(registry, RouteInboundEvent.Activities.AssignConversation, (a, r, ct) => a.AssignConversation(r, ct));
        Add<ConversationRef, TicketOutcome>(registry, RouteInboundEvent.Activities.CreateTicket, (a, r, ct) => a.CreateTicket(r, ct));
        Add<ConversationRef, bool>(registry, RouteInboundEvent.Activities.NotifyUnassigned, (a, r, ct) => a.NotifyUnassigned(r, ct));
        Add<ConversationRef, bool>(registry, RouteInboundEvent.Activities.GreetNewConversation, (a, r, ct) => a.GreetNewConversation(r, ct));
        Add<RouteRequest, bool>(registry, RouteInboundEvent.Activities.RecordConsent, (a, r, ct) => a.RecordConsent(r, ct));
    }

    private static void Add<TIn, TOut>(DurableTaskRegistry registry, string name, Func<RoutingActivities, TIn, CancellationToken, Task<TOut>> step) =>
        registry.AddActivity(name, services =>
            new Step<TIn, TOut>(input => step((RoutingActivities)services.GetService(typeof(RoutingActivities))!, input, CancellationToken.None)));

    private sealed class Step<TIn, TOut>(Func<TIn, Task<TOut>> run) : TaskActivity<TIn, TOut>
    {
        public override Task<TOut> RunAsync(TaskActivityContext context, TIn input) => run(input);
    }
}
