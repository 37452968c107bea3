using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using InboxServerless.Core.Domain;
using Microsoft.AspNetCore.Http;

namespace InboxServerless.Functions.Http;

/// <summary>
/// The caller as App Service Authentication passes it on: the <c>X-MS-CLIENT-PRINCIPAL</c> header, base64 JSON of the
/// token's claims. App Service strips this header from client requests, so behind it the header can be trusted.
/// </summary>
public static class ClientPrincipal
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The app roles an admin grants in Entra ID; every authenticated user of an account is a member.</summary>
    public const string AccountAdminRole = "AccountAdmin";
    public const string SuperAdminRole = "SuperAdmin";

    private static readonly string[] AccountClaims = ["accountId", "http://schemas.microsoft.com/identity/claims/tenantid", "tid"];
    private static readonly string[] UserClaims = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid", "sub"];
    private static readonly string[] RoleClaims = ["roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];

    private static readonly Problem Unauthenticated = new(ProblemKind.Unauthenticated, "Sign in first.",
        $"The request carries no valid {Header} header.");

    public static Outcome<Caller> Caller(this HttpRequest request) =>
        request.Headers.TryGetValue(Header, out var value) && Parse(value.ToString()) is { } caller ? caller : Unauthenticated;

    public static Caller? Parse(string header)
    {
        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(Convert.FromBase64String(header));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }

        // A claim that is null or lacks its type or value says nothing.
        var claims = payload?.Claims?.Where(c => c is { Type: not null, Value: not null }).ToList() ?? [];
        // The types are in order of preference. Two different values of the type that decides leave the caller ambiguous:
        // no principal, rather than whichever came first.
        string? Single(IEnumerable<string> types)
        {
            foreach (var type in types)
            {
                var values = claims.Where(c => c.Type == type && !string.IsNullOrWhiteSpace(c.Value)).Select(c => c.Value).Distinct().ToList();
                if (values.Count > 0) return values.Count == 1 ? values[0] : null;
            }

            return null;
        }

        var account = Single(AccountClaims);
        var user = Single(UserClaims);
        if (account is null || user is null) return null;

        string[] roleTypes = payload!.RoleType is { } roleType ? [roleType, .. RoleClaims] : RoleClaims;
        var roles = new HashSet<Role> { Role.Member };
        foreach (var claim in claims.Where(c => roleTypes.Contains(c.Type)))
        {
            if (claim.Value == AccountAdminRole) roles.Add(Role.AccountAdmin);
            if (claim.Value == SuperAdminRole) roles.Add(Role.SuperAdmin);
        }

        return new Caller(account, user, roles);
    }

    /// <summary>Builds the header for a caller: for the dev host's development principal and for tests.</summary>
    public static string Encode(string accountId, string userId, params string[] roles)
    {
        var payload = new Payload("aad", [new("accountId", accountId), new("oid", userId), .. roles.Select(r => new Claim("roles", r))], "roles");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(payload)));
    }

    private sealed record Payload(
        [property: JsonPropertyName("auth_typ")] string? AuthType,
        [property: JsonPropertyName("claims")] IReadOnlyList<Claim>? Claims,
        [property: JsonPropertyName("role_typ")] string? RoleType);

    private sealed record Claim([property: JsonPropertyName("typ")] string Type, [property: JsonPropertyName("val")] string Value);
}
