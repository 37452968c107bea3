using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

/// <summary>
/// The Service Bus trigger, declared here because its worker package
/// (<c>Microsoft.Azure.Functions.Worker.Extensions.ServiceBus</c>) cannot be restored where this builds. The worker SDK
/// writes any <see cref="TriggerBindingAttribute"/> into <c>functions.metadata</c> by its name and public properties,
/// so this yields the binding the host's Service Bus extension reads: <c>serviceBusTrigger</c> with <c>queueName</c>,
/// <c>connection</c> and <c>isSessionsEnabled</c>. The host extension itself is
/// <c>ServiceBusHostExtension.cs</c>, compiled when <c>EnableServiceBusHostExtension</c> is true.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ServiceBusTriggerAttribute(string queueName) : TriggerBindingAttribute
{
    /// <summary>The queue, or an <c>%app setting%</c> that names it.</summary>
    public string QueueName { get; } = queueName;

    /// <summary>The prefix of the connection's settings: <c>&lt;Connection&gt;__fullyQualifiedNamespace</c> for identity.</summary>
    public string? Connection { get; set; }

    public bool IsSessionsEnabled { get; set; }
}
