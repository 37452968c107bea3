namespace InboxServerless.Core.Application.Routing.Activities;

/// <summary>The inbox and channel an event's binding key names, if it routes anywhere.</summary>
public sealed class ResolveChannel(ChannelResolver resolver) : DurableActivity<string, RouteTarget?>
{
    public override Task<RouteTarget?> Run(string bindingKey, CancellationToken ct) => resolver.Resolve(bindingKey, ct);
}
