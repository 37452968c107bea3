using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;

namespace InboxServerless.DevHost.Functions;

/// <summary>
/// Serves the function app's HTTP-triggered functions over ASP.NET Core routing, with the routes and methods of their
/// <c>[HttpTrigger]</c> attributes: the same table <c>func</c> would build from <c>functions.metadata</c>.
/// </summary>
public static class FunctionEndpoints
{
    /// <summary>Maps every HTTP function; fails at once on a signature the dev host cannot bind.</summary>
    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder endpoints, IEnumerable<FunctionDescriptor> functions)
    {
        foreach (var function in functions.Where(f => f.Trigger == TriggerKind.Http))
        {
            var invoke = CreateRequestDelegate(function);
            var builder = function.Methods.Count == 0
                ? endpoints.Map(function.Route!, invoke)
                : endpoints.MapMethods(function.Route!, function.Methods, invoke);
            builder.WithName(function.Name).WithDisplayName(function.Name).WithMetadata(function);
        }

        return endpoints;
    }

    /// <summary>Builds the binding plan once; the delegate then binds, invokes and writes the result per request.</summary>
    public static RequestDelegate CreateRequestDelegate(FunctionDescriptor function)
    {
        var binders = function.Method.GetParameters().Select(p => Binder(function, p)).ToArray();
        var resultType = FunctionInvocation.ResultType(function.Method);
        if (resultType is not null && resultType != typeof(object) &&
            !typeof(IResult).IsAssignableFrom(resultType) && !typeof(IActionResult).IsAssignableFrom(resultType))
        {
            throw new InvalidOperationException(
                $"Function '{function.Name}' ({function.EntryPoint}) returns {resultType.FullName}; the dev host serves functions that " +
                "return IResult or IActionResult (or Task/ValueTask of them), or nothing.");
        }

        return async context =>
        {
            var arguments = new object?[binders.Length];
            for (var i = 0; i < binders.Length; i++) arguments[i] = binders[i](context);
            var result = await FunctionInvocation.Invoke(function, context.RequestServices, arguments);
            switch (result)
            {
                case null:
                    break;
                case IResult http:
                    await http.ExecuteAsync(context);
                    break;
                case IActionResult action:
                    await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                    break;
                default:
                    throw new InvalidOperationException(
                        $"Function '{function.Name}' returned a {result.GetType().FullName}; expected an IResult or an IActionResult.");
            }
        };
    }

    private static Func<HttpContext, object?> Binder(FunctionDescriptor function, ParameterInfo parameter)
    {
        if (FunctionCatalog.IsTrigger(parameter))
        {
            return parameter.ParameterType == typeof(HttpRequest)
                ? context => context.Request
                : throw FunctionInvocation.Unsupported(function, parameter, "the trigger as HttpRequest (ASP.NET Core integration)");
        }

        if (parameter.ParameterType == typeof(CancellationToken)) return context => context.RequestAborted;
        // [DurableClient]: the in-memory Durable Task engine's client.
        if (parameter.ParameterType == typeof(Microsoft.DurableTask.Client.DurableTaskClient))
            return context => context.RequestServices.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
        if (parameter.ParameterType == typeof(string))
        {
            var name = parameter.Name!;
            return context => context.Request.RouteValues.TryGetValue(name, out var value) && value is not null
                ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)
                : context.Request.Query.TryGetValue(name, out var query) && query.Count > 0 ? query.ToString() : null;
        }

        throw FunctionInvocation.Unsupported(function, parameter,
            "HttpRequest (the trigger), string (route value, then query string), [DurableClient] DurableTaskClient and CancellationToken");
    }
}
