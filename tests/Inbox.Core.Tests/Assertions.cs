using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Tests;

internal static class Assertions
{
    public static void Valid(Validation validation) =>
        Assert.True(validation.IsValid, string.Join(" | ", validation.Errors.Select(e => $"{e.Field}: {e.Message}")));

    /// <summary>The validation failed, and only on <paramref name="field"/>: the fixture is otherwise valid.</summary>
    public static void InvalidOn(Validation validation, string field)
    {
        Assert.False(validation.IsValid, $"Expected an error on '{field}', got none.");
        Assert.All(validation.Errors, e => Assert.Equal(field, e.Field));
        Assert.All(validation.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }
}
