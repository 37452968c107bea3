// In the functions' own namespace, so that a function class anywhere under it uses them without a using directive.
namespace InboxServerless.Functions.OpenApi;

// What the OpenAPI document cannot read from a function's [Function] and [HttpTrigger] attributes, said beside them. The
// path, method, path parameters, operation id, tag, security and the problem responses come from the code itself; these
// attributes add the bodies, the query parameters and the headers, which live inside the method's body.

/// <summary>
/// The function reads a JSON body of this type (with <c>request.ReadJson&lt;T&gt;()</c>); of one of these types, when it
/// reads different bodies (by a route value, say).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenApiBodyAttribute(params Type[] types) : Attribute
{
    public IReadOnlyList<Type> Types { get; } = types;

    public string? Description { get; set; }

    /// <summary>The media type of the body; the API's own bodies are JSON.</summary>
    public string ContentType { get; set; } = "application/json";
}

/// <summary>
/// The function is a POST, PUT or PATCH that reads no body (an action such as close or reopen). Every such function says
/// either this or <see cref="OpenApiBodyAttribute"/>, so that a body can never be left out of the document unnoticed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenApiNoBodyAttribute : Attribute;

/// <summary>A success response: its status, and the type of its JSON body (none for, say, 204).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiResponseAttribute(int status, Type? type = null) : Attribute
{
    public int Status { get; } = status;

    public Type? Type { get; } = type;

    public string? Description { get; set; }

    /// <summary>The media type of the body, when there is one.</summary>
    public string ContentType { get; set; } = "application/json";

    /// <summary>The response carries the resource's <c>ETag</c> (the value to send back in <c>If-Match</c>).</summary>
    public bool ETag { get; set; }

    /// <summary>The response carries a <c>Location</c> header: where the created resource is.</summary>
    public bool Location { get; set; }
}

/// <summary>A query-string parameter the function reads (with <c>request.Query(name)</c> or <c>request.QueryInt(name)</c>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiQueryAttribute(string name, Type type) : Attribute
{
    public string Name { get; } = name;

    public Type Type { get; } = type;

    public string? Description { get; set; }

    public bool Required { get; set; }
}

/// <summary>A request header the function reads, other than <c>If-Match</c> (see <see cref="OpenApiIfMatchAttribute"/>): a webhook's signature, say.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiHeaderAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public string? Description { get; set; }

    public bool Required { get; set; }
}

/// <summary>
/// The function honours an <c>If-Match</c> header (optimistic concurrency): a stale ETag answers 412; when
/// <see cref="Required"/>, a missing one answers 428.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenApiIfMatchAttribute : Attribute
{
    public bool Required { get; set; }
}

/// <summary>
/// Problem-details statuses the function can answer beyond those every operation documents (400, 401, 403, 404) and those
/// that follow from its other attributes (413 and 415 with a body, 412 and 428 with If-Match): typically 409.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiProblemAttribute(params int[] statuses) : Attribute
{
    public IReadOnlyList<int> Statuses { get; } = statuses;
}
