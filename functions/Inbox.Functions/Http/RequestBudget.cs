using InboxServerless.Azure.Cosmos;
using InboxServerless.Core.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Functions.Http;

/// <summary>Configuration section <c>Http</c>: how long an HTTP function may take, in all, before it answers 503.</summary>
public sealed class RequestBudgetOptions
{
    public const string Section = "Http";

    /// <summary>The admin and agents' API: a person is waiting.</summary>
    public TimeSpan ApiBudget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Webhooks (<c>/api/webhooks/*</c>): inside the deadline senders keep (Meta's is not published; about 5 s is
    /// commonly quoted, see docs/wire-contracts.md), so a 503 reaches them before they give up on the delivery.
    /// </summary>
    public TimeSpan WebhookBudget { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Forwarded mail (<c>/api/webhooks/email/*</c>): a message of up to 25 MB is uploaded and stored within the request,
    /// and forwarding services wait far longer than Meta or Graph do.
    /// </summary>
    public TimeSpan MailWebhookBudget { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// The one place every HTTP function's failures are turned into answers, in the function app (worker middleware,
/// Program.cs) and in the dev host (its request pipeline) alike: the request's cancellation token is linked with a
/// budget; a store outage, or the budget running out, is a 503 problem with <c>Retry-After</c>; anything else is a
/// generic 500 problem, logged here and never shown (no stack, no headers).
/// </summary>
public sealed class RequestBudget(RequestBudgetOptions options, ILogger<RequestBudget> log)
{
    private static readonly Problem OverBudget = new(ProblemKind.Unavailable, "The service is not answering in time.",
        "A service this request needs is slow or unavailable; try again in a few seconds.");

    private static readonly Problem StoreOutage = new(ProblemKind.Unavailable, "The service is temporarily unavailable.",
        "The data store did not answer; try again in a few seconds.");

    public TimeSpan For(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/webhooks/email", StringComparison.OrdinalIgnoreCase) ? options.MailWebhookBudget
        : request.Path.StartsWithSegments("/api/webhooks", StringComparison.OrdinalIgnoreCase) ? options.WebhookBudget
        : options.ApiBudget;

    /// <summary>
    /// Runs <paramref name="next"/> with <see cref="HttpContext.RequestAborted"/> linked to the budget. Returns the answer
    /// to give instead of whatever <paramref name="next"/> did, or <c>null</c> when it succeeded or the client is gone.
    /// With <paramref name="answerWhenOverBudget"/>, the budget ends the wait even for work that ignores the token (the
    /// isolated worker binds its own token): only safe where the work does not write the response itself.
    /// </summary>
    public async Task<IResult?> Run(HttpContext context, Func<Task> next, bool answerWhenOverBudget)
    {
        var aborted = context.RequestAborted;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        budget.CancelAfter(For(context.Request));
        context.RequestAborted = budget.Token;
        try
        {
            var work = next();
            if (answerWhenOverBudget && await Task.WhenAny(work, Task.Delay(Timeout.Infinite, budget.Token)) != work)
            {
                // Left running; its end, whatever it is, is logged rather than lost.
                _ = work.ContinueWith(t => Log(context, t.Exception!), CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return aborted.IsCancellationRequested ? null : Answer(context, OverBudget, null);
            }

            await work;
            return null;
        }
        catch (Exception e) when (aborted.IsCancellationRequested)
        {
            log.LogDebug(e, "{Method} {Path}: the client went away.", context.Request.Method, context.Request.Path.Value);
            return null;
        }
        catch (Exception e) when (budget.IsCancellationRequested)
        {
            return Answer(context, OverBudget, e);
        }
        catch (Exception e) when (StoreFailures.IsOutage(e) || e is OperationCanceledException)
        {
            // An OperationCanceledException no token of ours asked for is the store's client giving up: an outage too.
            return Answer(context, StoreOutage, e);
        }
        catch (Exception e)
        {
            Log(context, e);
            return HttpResults.Problem(HttpResults.Unexpected);
        }
        finally
        {
            context.RequestAborted = aborted;
        }
    }

    private IResult Answer(HttpContext context, Problem problem, Exception? e)
    {
        log.LogWarning("{Method} {Path} answered 503 after {Budget} s at most: {Reason}", context.Request.Method, context.Request.Path.Value,
            For(context.Request).TotalSeconds, e?.Message ?? "over budget");
        return HttpResults.Problem(problem);
    }

    private void Log(HttpContext context, Exception e) =>
        log.LogError(e, "{Method} {Path} failed unexpectedly.", context.Request.Method, context.Request.Path.Value);
}
