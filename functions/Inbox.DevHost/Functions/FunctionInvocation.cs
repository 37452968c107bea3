using System.Reflection;

namespace InboxServerless.DevHost.Functions;

/// <summary>
/// What every invocation does whatever the trigger: create the function's class from the services (function classes are
/// not registered; the worker creates them the same way), call the method, and await what it returns.
/// </summary>
public static class FunctionInvocation
{
    /// <summary>The type the method's result carries once awaited: <c>Task&lt;IResult&gt;</c> → <c>IResult</c>; <c>null</c> for none.</summary>
    public static Type? ResultType(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask)) return null;
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
            return type.GetGenericArguments()[0];
        return type;
    }

    public static async Task<object?> Invoke(FunctionDescriptor function, IServiceProvider services, object?[] arguments)
    {
        var method = function.Method;
        var instance = method.IsStatic ? null : Factories.GetOrAdd(method.DeclaringType!, CreateFactory)(services, null);
        try
        {
            var returned = method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
            return await Await(method.ReturnType, returned);
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync(); break;
                case IDisposable disposable: disposable.Dispose(); break;
            }
        }
    }

    // Made once per class: building a factory reflects over the constructors, which every request would otherwise repeat.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ObjectFactory> Factories = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<Task, object?>> ResultReaders = new();

    private static ObjectFactory CreateFactory(Type type) => ActivatorUtilities.CreateFactory(type, []);

    private static async Task<object?> Await(Type declared, object? returned)
    {
        switch (returned)
        {
            case null:
                return null;
            case Task task:
                await task;
                return ResultReaders.GetOrAdd(declared, ResultOf)(task);
            case ValueTask valueTask:
                await valueTask;
                return null;
        }

        if (declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var task = (Task)declared.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null)!;
            await task;
            return typeof(Task<>).MakeGenericType(declared.GetGenericArguments()).GetProperty(nameof(Task<object>.Result))!.GetValue(task);
        }

        return returned;
    }

    /// <summary>
    /// Fails unless the services can build the function's class: a function whose class needs a service the composition
    /// does not register would otherwise fail only when first called.
    /// </summary>
    private static Func<Task, object?> ResultOf(Type declared)
    {
        if (!declared.IsGenericType || declared.GetGenericTypeDefinition() != typeof(Task<>)) return _ => null;
        var result = declared.GetProperty(nameof(Task<object>.Result))!;
        return task => result.GetValue(task);
    }

    public static void CheckConstructible(FunctionDescriptor function, IServiceProvider services)
    {
        var type = function.Method.DeclaringType!;
        if (function.Method.IsStatic) return;
        var known = services.GetRequiredService<IServiceProviderIsService>();
        var constructors = type.GetConstructors();
        if (constructors.Any(c => c.GetParameters().All(p => p.HasDefaultValue || known.IsService(p.ParameterType)))) return;

        var missing = constructors
            .SelectMany(c => c.GetParameters())
            .Where(p => !p.HasDefaultValue && !known.IsService(p.ParameterType))
            .Select(p => p.ParameterType.FullName)
            .Distinct();
        throw new InvalidOperationException(
            $"Function '{function.Name}': {type.FullName} cannot be created from the registered services; not registered: " +
            $"{string.Join(", ", missing)}. Register them in the composition (AddInbox) that the function app and the dev host share.");
    }

    public static InvalidOperationException Unsupported(FunctionDescriptor function, ParameterInfo parameter, string supported) =>
        new($"Function '{function.Name}' ({function.EntryPoint}): the dev host cannot bind parameter '{parameter.Name}' of type " +
            $"{parameter.ParameterType.FullName}. It binds {supported}. Teach it in functions/Inbox.DevHost/Functions.");
}
