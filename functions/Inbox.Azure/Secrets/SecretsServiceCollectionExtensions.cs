using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Azure.Secrets;

public static class SecretsServiceCollectionExtensions
{
    public const string KeyVaultUriKey = "KeyVault:Uri";

    /// <summary>
    /// <see cref="ISecretStore"/> on the Key Vault at <c>KeyVault:Uri</c>, signed in with <see cref="DefaultAzureCredential"/>
    /// (the function app's managed identity in Azure).
    /// </summary>
    public static IServiceCollection AddKeyVaultSecretStore(this IServiceCollection services, IConfiguration configuration)
    {
        var uri = configuration[KeyVaultUriKey];
        if (string.IsNullOrWhiteSpace(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out var vault))
            throw new InvalidOperationException($"{KeyVaultUriKey} must be the vault's URI, such as https://<name>.vault.azure.net/.");
        services.AddSingleton(new SecretClient(vault, new DefaultAzureCredential()));
        services.AddSingleton<ISecretStore>(sp => new KeyVaultSecretStore(sp.GetRequiredService<SecretClient>()));
        return services;
    }

    /// <summary><see cref="ISecretStore"/> as files under <paramref name="folder"/>, for the dev host.</summary>
    public static IServiceCollection AddFileSecretStore(this IServiceCollection services, string folder)
    {
        services.AddSingleton<ISecretStore>(new FileSecretStore(folder));
        return services;
    }
}
