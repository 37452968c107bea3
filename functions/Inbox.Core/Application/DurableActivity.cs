using Microsoft.DurableTask;

namespace InboxServerless.Core.Application;

/// <summary>
/// A Durable activity of the app; its name is its class name. The in-process engine runs it as a
/// <see cref="TaskActivity{TInput, TOutput}"/>; the function app's <c>[ActivityTrigger]</c> wrapper calls <see cref="Run"/>
/// with the invocation's cancellation token, for which <see cref="TaskActivity{TInput, TOutput}.RunAsync"/> has no place.
/// </summary>
public abstract class DurableActivity<TIn, TOut> : TaskActivity<TIn, TOut>
{
    public abstract Task<TOut> Run(TIn input, CancellationToken ct);

    public sealed override Task<TOut> RunAsync(TaskActivityContext context, TIn input) => Run(input, CancellationToken.None);
}
