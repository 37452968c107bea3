using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace InboxServerless.Functions.Http;

/// <summary>
/// The function app's <see cref="RequestGuard"/>: refuses an HTTP invocation before the function runs. The worker sees the
/// request the Functions host forwards; what it cannot see, the front end must not let through (README, "Who is calling").
/// </summary>
public sealed class RequestGuardMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http && await RequestGuardHttp.Refused(http)) return;
        await next(context);
    }
}
