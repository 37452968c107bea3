namespace InboxServerless.Core.Domain;

/// <summary>What went wrong, in words the API turns into RFC 7807 problem details.</summary>
public enum ProblemKind { Invalid, Unauthenticated, Forbidden, NotFound, Conflict, PreconditionFailed, PreconditionRequired, TooLarge, UnsupportedMediaType, Unavailable, Unexpected }

/// <summary>One offending field, named by its JSON path in the request (for example <c>chat.accentColor</c>).</summary>
public sealed record FieldError(string Field, string Message);

public sealed record Problem(ProblemKind Kind, string Title, string? Detail = null, IReadOnlyList<FieldError>? Errors = null)
{
    /// <summary>
    /// The field errors a problem lists; the rest are counted in its detail. A request naming 10,000 unknown users
    /// would otherwise be answered with a body of megabytes.
    /// </summary>
    public const int MaxListedErrors = 20;

    public static Problem Invalid(IReadOnlyList<FieldError> errors)
    {
        var listed = errors.Count > MaxListedErrors ? errors.Take(MaxListedErrors).ToList() : errors;
        var detail = string.Join(" ", listed.Select(e => $"{e.Field}: {e.Message}"));
        if (errors.Count > listed.Count)
            detail += string.Create(System.Globalization.CultureInfo.InvariantCulture, $" … and {errors.Count - listed.Count:N0} more.");
        return new(ProblemKind.Invalid, "The request is not valid.", detail, listed);
    }

    public static Problem Invalid(string field, string message) => Invalid([new FieldError(field, message)]);

    public static Problem NotFound(string what) => new(ProblemKind.NotFound, $"{what} was not found.");

    public static Problem Conflict(string detail) => new(ProblemKind.Conflict, "The request conflicts with the current state.", detail);

    public static readonly Problem StaleETag = new(ProblemKind.PreconditionFailed, "The resource was changed by someone else.",
        "Read it again and retry with its current ETag.");
}

/// <summary>A value or a problem: rules and use cases return errors as values, never as exceptions.</summary>
public readonly record struct Outcome<T>
{
    private Outcome(T? value, Problem? problem) => (Value, Problem) = (value, problem);

    public T? Value { get; }
    public Problem? Problem { get; }
    public bool IsSuccess => Problem is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Problem problem) => new(default, problem);

    public Outcome<TOut> Map<TOut>(Func<T, TOut> map) => Problem is null ? map(Value!) : Problem;

    public async Task<Outcome<TOut>> Then<TOut>(Func<T, Task<Outcome<TOut>>> next) => Problem is null ? await next(Value!) : Problem;
}

/// <summary>A stored item with the ETag that guards its next update.</summary>
public sealed record Versioned<T>(T Value, string ETag);

/// <summary>One page of a listing; pass <see cref="ContinuationToken"/> back to read the next.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>Collects field errors while a rule walks a record.</summary>
public sealed class Validation
{
    private readonly List<FieldError> errors = [];

    public IReadOnlyList<FieldError> Errors => errors;
    public bool IsValid => errors.Count == 0;

    public Validation Add(string field, string message)
    {
        errors.Add(new FieldError(field, message));
        return this;
    }

    public Validation Check(bool ok, string field, string message) => ok ? this : Add(field, message);

    public Outcome<T> Result<T>(T value) => IsValid ? value : Problem.Invalid(errors);
}

public static class OutcomeExtensions
{
    public static async Task<Outcome<TOut>> Then<T, TOut>(this Task<Outcome<T>> outcome, Func<T, Task<Outcome<TOut>>> next) =>
        await (await outcome).Then(next);

    public static async Task<Outcome<TOut>> Map<T, TOut>(this Task<Outcome<T>> outcome, Func<T, TOut> map) => (await outcome).Map(map);
}
