using System.Text;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace InboxServerless.Functions.Tests;

public sealed class ClientPrincipalTests
{
    private static string Base64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Reads_the_principal_app_service_authentication_passes_on()
    {
        // The shape App Service writes for an Entra ID sign-in: long claim type names and the role claim type in role_typ.
        var header = Base64("""
            {"auth_typ":"aad","claims":[
              {"typ":"http://schemas.microsoft.com/identity/claims/tenantid","val":"tenant-1"},
              {"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"user-7"},
              {"typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role","val":"AccountAdmin"},
              {"typ":"name","val":"Ann"}],
             "name_typ":"name","role_typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role"}
            """);

        var caller = ClientPrincipal.Parse(header);

        Assert.NotNull(caller);
        Assert.Equal("tenant-1", caller.AccountId);
        Assert.Equal("user-7", caller.UserId);
        Assert.True(caller.IsAdmin);
    }

    [Fact]
    public void An_account_claim_of_our_own_wins_over_the_tenant()
    {
        var caller = ClientPrincipal.Parse(Base64("""
            {"claims":[{"typ":"tid","val":"tenant"},{"typ":"accountId","val":"acme"},{"typ":"oid","val":"u"}]}
            """));

        Assert.Equal("acme", caller?.AccountId);
        Assert.Equal(new HashSet<Role> { Role.Member }, caller?.Roles);
    }

    [Theory]
    [InlineData("""{"claims":[{"typ":"accountId","val":"acme"},{"typ":"accountId","val":"contoso"},{"typ":"oid","val":"u"}]}""")]
    [InlineData("""{"claims":[{"typ":"tid","val":"t1"},{"typ":"tid","val":"t2"},{"typ":"oid","val":"u"}]}""")]
    [InlineData("""{"claims":[{"typ":"accountId","val":"acme"},{"typ":"oid","val":"u"},{"typ":"oid","val":"v"}]}""")]
    public void Two_different_values_of_the_claim_that_decides_are_no_principal(string json)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[ClientPrincipal.Header] = Base64(json);

        Assert.Null(ClientPrincipal.Parse(Base64(json)));
        Assert.Equal(ProblemKind.Unauthenticated, request.Caller().Problem?.Kind);
    }

    [Fact]
    public void The_same_account_claim_twice_is_one_account()
    {
        var caller = ClientPrincipal.Parse(Base64("""
            {"claims":[{"typ":"accountId","val":"acme"},{"typ":"accountId","val":"acme"},{"typ":"oid","val":"u"}]}
            """));

        Assert.Equal("acme", caller?.AccountId);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")] // "not json"
    [InlineData("eyJjbGFpbXMiOltdfQ==")] // {"claims":[]}: no account, no user
    [InlineData("eyJjbGFpbXMiOlt7InR5cCI6Im9pZCIsInZhbCI6InUifV19")] // a user but no account
    public void Anything_else_is_no_principal(string header) => Assert.Null(ClientPrincipal.Parse(header));

    [Fact]
    public void Encode_round_trips_with_roles()
    {
        var caller = ClientPrincipal.Parse(ClientPrincipal.Encode("acme", "ann", ClientPrincipal.SuperAdminRole));

        Assert.Equal(new Caller("acme", "ann", new HashSet<Role> { Role.Member, Role.SuperAdmin }).Roles, caller?.Roles);
    }

    [Fact]
    public void A_request_without_the_header_is_unauthenticated()
    {
        var outcome = new DefaultHttpContext().Request.Caller();

        Assert.Equal(ProblemKind.Unauthenticated, outcome.Problem?.Kind);
    }
}
