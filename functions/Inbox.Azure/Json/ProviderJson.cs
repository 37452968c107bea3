using System.Text.Json;
using InboxServerless.Core.Domain;

namespace InboxServerless.Azure.Json;

/// <summary>
/// Reads what a provider posts or returns (Meta's deliveries, Graph's notifications and messages): exactly one JSON
/// value of bounded depth. Broken JSON, trailing content and wrong types where the contract has others are problems
/// naming <c>field</c>, never exceptions.
/// </summary>
public static class ProviderJson
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 32 };

    public static Outcome<T> Read<T>(ReadOnlySpan<byte> body, string field, string what, Func<JsonElement, Outcome<T>> read)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, Options);
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                document.Dispose();
                return Problem.Invalid("$", "Content after the JSON value.");
            }
        }
        catch (JsonException e)
        {
            return Problem.Invalid("$", $"Not JSON: {e.Message}");
        }

        using (document)
        {
            try
            {
                return read(document.RootElement);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or ArgumentOutOfRangeException)
            {
                // Wrong types where the contract has numbers, strings, objects or arrays.
                return Problem.Invalid(field, $"Not {what}: {e.Message}");
            }
        }
    }
}
