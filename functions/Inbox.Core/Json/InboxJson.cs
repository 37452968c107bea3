using System.Text.Json;
using System.Text.Json.Serialization;

namespace InboxServerless.Core.Json;

/// <summary>The one JSON dialect of the product: camelCase, enums as camelCase strings, nullability respected.</summary>
public static class InboxJson
{
    /// <summary>For requests: unknown fields, missing required fields and nulls where none are allowed are errors.</summary>
    public static readonly JsonSerializerOptions Api = Create(strict: true);

    /// <summary>For storage: tolerant of the store's own fields (<c>_etag</c>, <c>_ts</c>, …).</summary>
    public static readonly JsonSerializerOptions Storage = Create(strict: false);

    private static JsonSerializerOptions Create(bool strict)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Stored documents keep their nulls, so queries can filter on them; answers leave them out.
            DefaultIgnoreCondition = strict ? JsonIgnoreCondition.WhenWritingNull : JsonIgnoreCondition.Never,
            RespectNullableAnnotations = true,
            // A request must name every constructor parameter; a stored document written by an older version may lack one.
            RespectRequiredConstructorParameters = strict,
            AllowOutOfOrderMetadataProperties = true,
            UnmappedMemberHandling = strict ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip,
            AllowDuplicateProperties = !strict,
            MaxDepth = 32,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
