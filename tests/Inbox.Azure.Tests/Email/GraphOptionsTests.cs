using Azure.Identity;
using InboxServerless.Azure.Email;

namespace InboxServerless.Azure.Tests.Email;

/// <summary>Which credential the configured app signs in with, per tenant.</summary>
public sealed class GraphOptionsTests
{
    private const string Tenant = "84bd8158-6d4d-4958-8b9f-9d6445542f95";

    [Fact]
    public void A_client_secret_wins_then_a_managed_identity_as_federated_credential() =>
        Assert.Multiple(
            () => Assert.IsType<ClientSecretCredential>(new GraphCredentials(new GraphOptions { ClientId = "app", ClientSecret = "s", UseManagedIdentity = true }).For(Tenant)),
            () => Assert.IsType<ClientAssertionCredential>(new GraphCredentials(new GraphOptions { ClientId = "app", UseManagedIdentity = true }).For(Tenant)));

    [Fact]
    public void Without_a_client_id_or_any_credential_it_says_what_to_set()
    {
        var none = Assert.Throws<InvalidOperationException>(() => new GraphCredentials(new GraphOptions { ClientId = "app" }).For(Tenant));
        Assert.Contains("Graph__ClientSecret", none.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new GraphCredentials(new GraphOptions { ClientSecret = "s" }).For(Tenant));
    }

    [Fact]
    public void The_admin_consent_url_names_the_tenant_and_the_app() =>
        Assert.Equal($"https://login.microsoftonline.com/{Tenant}/adminconsent?client_id=app-id",
            new GraphOptions { ClientId = "app-id" }.AdminConsentUrl(Tenant));
}
