namespace InboxServerless.Azure.Email.Acs;

/// <summary>An ACS connection string, <c>endpoint=https://…/;accesskey=&lt;base64&gt;</c>: the resource and its HMAC key.</summary>
public sealed record AcsConnectionString(Uri Endpoint, byte[] AccessKey)
{
    public static AcsConnectionString Parse(string connectionString)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim(), StringComparer.OrdinalIgnoreCase);
        // The key is never part of a message: a connection string in an exception could end up in a log.
        if (!parts.TryGetValue("endpoint", out var endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            throw new FormatException("Email:Acs:ConnectionString has no valid 'endpoint='.");
        if (!parts.TryGetValue("accesskey", out var key)) throw new FormatException("Email:Acs:ConnectionString has no 'accesskey='.");
        try
        {
            return new AcsConnectionString(uri, Convert.FromBase64String(key));
        }
        catch (FormatException)
        {
            throw new FormatException("Email:Acs:ConnectionString's 'accesskey=' is not base64.");
        }
    }
}
