using System.Globalization;
using System.Reflection;
using NCrontab;

namespace InboxServerless.DevHost.Functions;

/// <summary>A timer function's schedule: an NCRONTAB expression (six fields with seconds, or five) or a fixed interval.</summary>
public sealed class TimerSchedule
{
    private readonly CrontabSchedule? cron;
    private readonly TimeSpan? interval;

    private TimerSchedule(string expression, CrontabSchedule? cron, TimeSpan? interval)
    {
        Expression = expression;
        this.cron = cron;
        this.interval = interval;
    }

    public string Expression { get; }

    /// <summary>Resolves <c>%setting%</c> from configuration as the Functions host does, then parses.</summary>
    public static TimerSchedule Parse(string schedule, IConfiguration configuration)
    {
        var expression = schedule.Trim();
        if (expression.Length > 2 && expression[0] == '%' && expression[^1] == '%')
        {
            var setting = expression[1..^1];
            expression = configuration[setting]?.Trim() is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"The timer schedule names the setting '{setting}', which is not configured.");
        }

        if (expression.Contains(':') && TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var every) && every > TimeSpan.Zero)
            return new(expression, null, every);

        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var cron = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 })
            ?? throw new InvalidOperationException($"'{expression}' is not an NCRONTAB expression ('sec min hour day month weekday') or a TimeSpan.");
        return new(expression, cron, null);
    }

    /// <summary>The next run strictly after <paramref name="after"/>, in UTC as the Functions host counts by default.</summary>
    public DateTimeOffset Next(DateTimeOffset after) =>
        interval is { } every
            ? after + every
            : new DateTimeOffset(cron!.GetNextOccurrence(after.UtcDateTime), TimeSpan.Zero);
}

/// <summary>Binds and invokes one timer function, the way the worker would on a tick.</summary>
public sealed class TimerFunctionInvoker
{
    private readonly Func<bool, CancellationToken, object?>[] binders;

    public TimerFunctionInvoker(FunctionDescriptor function)
    {
        if (function.Trigger != TriggerKind.Timer) throw new ArgumentException($"'{function.Name}' is not a timer function.", nameof(function));
        Function = function;
        binders = [.. function.Method.GetParameters().Select(Binder)];
        var resultType = FunctionInvocation.ResultType(function.Method);
        if (resultType is not null)
            throw new InvalidOperationException($"Timer function '{function.Name}' returns {resultType.FullName}; the dev host binds no output.");
    }

    public FunctionDescriptor Function { get; }

    public async Task Invoke(IServiceProvider services, bool isPastDue, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var arguments = binders.Select(b => b(isPastDue, ct)).ToArray();
        await FunctionInvocation.Invoke(Function, scope.ServiceProvider, arguments);
    }

    private Func<bool, CancellationToken, object?> Binder(ParameterInfo parameter)
    {
        if (FunctionCatalog.IsTrigger(parameter))
        {
            // TimerInfo (Worker.Extensions.Timer) has a parameterless constructor and a settable IsPastDue.
            var type = parameter.ParameterType;
            if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
                throw FunctionInvocation.Unsupported(Function, parameter, "the trigger as TimerInfo");
            var isPastDue = type.GetProperty("IsPastDue") is { CanWrite: true } p && p.PropertyType == typeof(bool) ? p : null;
            return (pastDue, _) =>
            {
                var info = Activator.CreateInstance(type);
                isPastDue?.SetValue(info, pastDue);
                return info;
            };
        }

        if (parameter.ParameterType == typeof(CancellationToken)) return (_, ct) => ct;
        throw FunctionInvocation.Unsupported(Function, parameter, "TimerInfo (the trigger) and CancellationToken");
    }
}

/// <summary>Runs the timer functions on their schedules while the dev host runs (<c>DevHost:Timers:Enabled</c>, on by default).</summary>
public sealed class TimerFunctionScheduler(
    IReadOnlyList<TimerFunctionInvoker> timers,
    IConfiguration configuration,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<TimerFunctionScheduler> logger) : BackgroundService
{
    public IReadOnlyList<TimerFunctionInvoker> Timers => timers;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("DevHost:Timers:Enabled", true))
        {
            foreach (var timer in timers)
                logger.LogInformation("Timer {Function} not scheduled (DevHost:Timers:Enabled is false); run it with POST /admin/functions/{Function}",
                    timer.Function.Name, timer.Function.Name);
            return Task.CompletedTask;
        }

        return Task.WhenAll(timers.Select(t => Run(t, stoppingToken)));
    }

    private async Task Run(TimerFunctionInvoker timer, CancellationToken ct)
    {
        var schedule = TimerSchedule.Parse(timer.Function.Schedule!, configuration);
        if (timer.Function.RunOnStartup) await Tick(timer, isPastDue: false, ct);
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = schedule.Next(now);
            logger.LogDebug("Timer {Function} next runs at {Next:O}", timer.Function.Name, next);
            try
            {
                await Task.Delay(next - now, clock, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await Tick(timer, isPastDue: clock.GetUtcNow() - next > TimeSpan.FromSeconds(5), ct);
        }
    }

    /// <summary>One run; a failing run is logged, as the Functions host does, and the schedule goes on.</summary>
    public async Task Tick(TimerFunctionInvoker timer, bool isPastDue, CancellationToken ct)
    {
        try
        {
            logger.LogInformation("Executing timer {Function}", timer.Function.Name);
            await timer.Invoke(services, isPastDue, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Timer {Function} failed", timer.Function.Name);
        }
    }
}
