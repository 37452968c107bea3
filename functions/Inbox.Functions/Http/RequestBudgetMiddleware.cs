using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace InboxServerless.Functions.Http;

/// <summary>
/// <see cref="RequestBudget"/> in the isolated worker, for HTTP triggers. The function's <c>CancellationToken</c> is the
/// worker's own, not the budget, so the budget also ends the wait; the answer is the invocation's result, which the
/// ASP.NET Core integration writes after this middleware returns (functions return an <c>IResult</c>, they never write
/// the response themselves).
/// </summary>
public sealed class RequestBudgetMiddleware(RequestBudget budget) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        if (await budget.Run(http, () => next(context), answerWhenOverBudget: true) is { } answer)
            context.GetInvocationResult().Value = answer;
    }
}
