using InboxServerless.Azure.Messenger;
using InboxServerless.Azure.Secrets;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InboxServerless.Azure.Tests.Messenger;

public sealed class MessengerCompositionTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void The_graph_api_and_the_file_store_are_registered_from_configuration()
    {
        var configuration = Configuration(new()
        {
            ["Messenger:AppId"] = "app-id",
            ["Messenger:AppSecret"] = "app-secret",
            ["Messenger:GraphVersion"] = "24.0",
        });
        var folder = Path.Combine(Path.GetTempPath(), "inbox-secrets-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var provider = new ServiceCollection().AddMessengerGraphApi(configuration).AddFileSecretStore(folder).BuildServiceProvider();

            var options = provider.GetRequiredService<MessengerGraphOptions>();
            Assert.Equal(("app-id", "app-secret", "https://graph.facebook.com/v24.0/"), (options.AppId, options.AppSecret, options.GraphBaseUri().ToString()));
            Assert.IsType<MessengerGraphApi>(provider.GetRequiredService<IMessengerApi>());
            Assert.IsType<FileSecretStore>(provider.GetRequiredService<ISecretStore>());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_wrong_graph_version_fails_when_the_host_starts()
    {
        using var provider = new ServiceCollection().AddMessengerGraphApi(Configuration(new() { ["Messenger:GraphVersion"] = "latest" }))
            .BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IMessengerApi>());
    }

    [Fact]
    public void Key_vault_needs_its_uri()
    {
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddKeyVaultSecretStore(Configuration([])));

        using var provider = new ServiceCollection()
            .AddKeyVaultSecretStore(Configuration(new() { ["KeyVault:Uri"] = "https://inbox-test.vault.azure.net/" }))
            .BuildServiceProvider();
        Assert.IsType<KeyVaultSecretStore>(provider.GetRequiredService<ISecretStore>());
    }
}
