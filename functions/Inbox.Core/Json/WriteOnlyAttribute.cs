namespace InboxServerless.Core.Json;

/// <summary>
/// A field a request may set but no answer ever shows (a credential): the OpenAPI document marks it <c>writeOnly</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class WriteOnlyAttribute : Attribute;
