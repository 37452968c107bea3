using InboxServerless.Core.Domain;

namespace InboxServerless.Azure.Messenger;

/// <summary>What a Messenger attachment is called and what media type it has: Meta gives only its kind and a CDN URL.</summary>
public static class MessengerAttachment
{
    public const string OctetStream = "application/octet-stream";

    public static Attachment Of(string type, string url) => new(NameOf(type, url), MediaTypeOf(type), url);

    /// <summary>Meta's kinds <c>image</c>, <c>video</c>, <c>audio</c> say no more than the top-level type; anything else is bytes.</summary>
    public static string MediaTypeOf(string type) => type switch
    {
        "image" => "image/*",
        "video" => "video/*",
        "audio" => "audio/*",
        _ => OctetStream,
    };

    /// <summary>The URL's last path segment, decoded, without query or fragment; the kind's word when that is no file name.</summary>
    public static string NameOf(string type, string url)
    {
        var fallback = type.Length is > 0 and <= 32 && type.All(char.IsAsciiLetterLower) ? type : "attachment";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return fallback;
        var path = uri.AbsolutePath;
        var segment = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
        return segment.Length is 0 or > 255 || segment is "." or ".." || segment.Any(c => c is '/' or '\\' || char.IsControl(c))
            ? fallback
            : segment;
    }
}
