using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Functions;

/// <summary>How an <c>[ActivityTrigger]</c> wrapper reaches the Core activity it runs, so that the wrapper is one line.</summary>
public static class DurableActivities
{
    /// <summary>The activity, from the invocation's services (Composition registers every one Core declares).</summary>
    public static TActivity Activity<TActivity>(this FunctionContext context) where TActivity : ITaskActivity =>
        context.InstanceServices.GetRequiredService<TActivity>();
}
