using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InboxServerless.Infra.Tests;

/// <summary>Facts about the built ARM template that the code depends on.</summary>
[Collection(BicepCollection.Name)]
public sealed class TemplateTests(BicepFixture bicep)
{
    private ArmTemplate Template => bicep.RequireTemplate();

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => (string)n!)] : throw new InvalidOperationException($"Not an array: {node?.ToJsonString()}");

    [Fact]
    public void Inbound_queue_has_sessions_duplicate_detection_and_ten_deliveries()
    {
        var queue = Template.Single("Microsoft.ServiceBus/namespaces/queues");
        Assert.Equal("inbound-events", (string?)Template.Module("servicebus").Parameter("inboundQueueName"));
        Assert.True((bool)queue.At("properties.requiresSession")!);
        Assert.True((bool)queue.At("properties.requiresDuplicateDetection")!);
        Assert.Equal("PT10M", queue.StringAt("properties.duplicateDetectionHistoryTimeWindow"));
        Assert.Equal(10, (int)queue.At("properties.maxDeliveryCount")!);
        Assert.True((bool)queue.At("properties.deadLetteringOnMessageExpiration")!);
    }

    [Fact]
    public void Service_bus_is_standard_without_keys()
    {
        var ns = Template.Single("Microsoft.ServiceBus/namespaces");
        Assert.Equal("Standard", ns.StringAt("sku.name"));
        Assert.True((bool)ns.At("properties.disableLocalAuth")!);
    }

    [Fact]
    public void Cosmos_account_is_serverless_session_consistent_and_keyless()
    {
        var account = Template.Single("Microsoft.DocumentDB/databaseAccounts");
        Assert.Equal("Session", account.StringAt("properties.consistencyPolicy.defaultConsistencyLevel"));
        Assert.True((bool)account.At("properties.disableLocalAuth")!);
        Assert.Contains("EnableServerless", ((JsonArray)account.At("properties.capabilities")!).Select(c => (string?)c?["name"]));
        Assert.Equal("inbox", (string?)Template.Module("cosmos").Parameter("databaseName"));
    }

    private IReadOnlyDictionary<string, ArmResource> Containers =>
        Template.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
            .ToDictionary(c => c.StringAt("properties.resource.id")!);

    [Theory]
    [InlineData("inboxes", "/accountId", "/nameKey")]
    [InlineData("channelBindings", "/id", null)]
    [InlineData("directory", "/accountId", null)]
    [InlineData("conversations", "/inboxId", null)]
    [InlineData("contacts", "/accountId", null)]
    [InlineData("tickets", "/accountId", null)]
    [InlineData("mailboxSubscriptions", "/id", null)]
    public void Cosmos_container_has_its_partition_key_and_unique_key(string name, string partitionKey, string? uniqueKey)
    {
        Assert.True(Containers.TryGetValue(name, out var container), $"No container '{name}'.");
        Assert.Equal([partitionKey], Strings(container.At("properties.resource.partitionKey.paths")));
        var uniqueKeys = container.At("properties.resource.uniqueKeyPolicy.uniqueKeys") as JsonArray ?? [];
        string[][] expected = uniqueKey is null ? [] : [[uniqueKey]];
        Assert.Equal(expected, uniqueKeys.Select(k => Strings(k!["paths"])).ToArray());
    }

    /// <summary>
    /// Under Entra ID the app cannot create containers; CosmosContainers only finds them and fails on another partition
    /// key. So every container the code declares must be in the template with the same key, read from the source itself.
    /// </summary>
    [Fact]
    public void Cosmos_containers_match_the_code()
    {
        var source = File.ReadAllText(Path.Combine(Bicep.RepoRoot, "functions", "Inbox.Azure", "Cosmos", "CosmosContainers.cs"));
        var names = Regex.Matches(source, @"const\s+string\s+(?<constant>\w+)\s*=\s*""(?<name>[^""]+)""")
            .ToDictionary(m => m.Groups["constant"].Value, m => m.Groups["name"].Value);
        var declared = Regex.Matches(source, @"new\s+ContainerProperties\(\s*(?<constant>\w+)\s*,\s*""(?<key>[^""]+)""\s*\)(?<rest>[^;]*)")
            .Select(m => (Name: names[m.Groups["constant"].Value], Key: m.Groups["key"].Value,
                UniqueKeys: Regex.Matches(m.Groups["rest"].Value, @"Paths\s*=\s*\{\s*""(?<path>[^""]+)""").Select(u => u.Groups["path"].Value).ToArray()))
            .ToList();
        Assert.True(declared.Count >= 3, "Could not read the containers from CosmosContainers.cs: update this test to its new shape.");

        foreach (var (name, key, uniqueKeys) in declared)
        {
            Assert.True(Containers.TryGetValue(name, out var container), $"The code uses container '{name}', cosmos.bicep does not create it.");
            Assert.Equal([key], Strings(container.At("properties.resource.partitionKey.paths")));
            var templateUniqueKeys = (container.At("properties.resource.uniqueKeyPolicy.uniqueKeys") as JsonArray ?? [])
                .SelectMany(k => Strings(k!["paths"])).ToArray();
            Assert.Equal(uniqueKeys, templateUniqueKeys);
        }
    }

    [Fact]
    public void Function_app_is_flex_consumption_dotnet_10_with_a_system_assigned_identity()
    {
        var site = Template.Single("Microsoft.Web/sites");
        Assert.Equal("SystemAssigned", site.StringAt("identity.type"));
        Assert.Contains("linux", site.StringAt("kind"));
        Assert.True((bool)site.At("properties.httpsOnly")!);
        Assert.Equal("dotnet-isolated", site.StringAt("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", site.StringAt("properties.functionAppConfig.runtime.version"));
        Assert.Equal("SystemAssignedIdentity", site.StringAt("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal("FlexConsumption", Template.Single("Microsoft.Web/serverfarms").StringAt("sku.tier"));
    }

    private string AppSettingsExpression =>
        Template.OfType("Microsoft.Web/sites/config").Single(c => c.Name.Contains("'appsettings'")).StringAt("properties")!;

    [Theory]
    [InlineData("Cosmos__Endpoint")]
    [InlineData("Cosmos__Database")]
    [InlineData("ServiceBus__fullyQualifiedNamespace")]
    [InlineData("AzureWebJobsStorage__accountName")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING")]
    [InlineData("KeyVault__Uri")]
    [InlineData("ClaimChecks__BlobServiceUri")] // ClaimCheckOptions in Inbox.Azure
    [InlineData("ClaimChecks__ContainerName")]
    [InlineData("Attachments__BlobServiceUri")] // AttachmentStoreOptions in Inbox.Azure
    [InlineData("Attachments__ContainerName")]
    [InlineData("Graph__NotificationUrl")] // GraphOptions in Inbox.Azure
    [InlineData("Graph__LifecycleNotificationUrl")]
    [InlineData("ForwardedMail__BlobServiceUri")] // ForwardedMailOptions in Inbox.Azure
    [InlineData("ForwardedMail__ContainerName")]
    [InlineData("Forwarding__PublicBaseUrl")]     // ForwardingOptions in Inbox.Functions
    [InlineData("Email__Acs__Endpoint")]          // AcsEmailOptions in Inbox.Azure
    [InlineData("Email__Acs__SenderAddress")]
    public void Function_app_has_the_setting(string name) =>
        Assert.Contains($"'{name}'", AppSettingsExpression);

    [Theory]
    [InlineData("AzureWebJobsStorage")] // a connection string: identity-based __accountName instead
    [InlineData("ServiceBus")]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")] // Flex Consumption takes these from functionAppConfig and refuses them as settings
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    public void Function_app_does_not_have_the_setting(string name) =>
        Assert.DoesNotContain($"'{name}'", AppSettingsExpression);

    [Fact]
    public void Authentication_requires_entra_id_except_on_the_webhooks()
    {
        var auth = Template.OfType("Microsoft.Web/sites/config").Single(c => c.Name.Contains("'authsettingsV2'"));
        Assert.True((bool)auth.At("properties.platform.enabled")!);
        Assert.True((bool)auth.At("properties.globalValidation.requireAuthentication")!);
        Assert.Equal("Return401", auth.StringAt("properties.globalValidation.unauthenticatedClientAction"));
        Assert.True((bool)auth.At("properties.identityProviders.azureActiveDirectory.enabled")!);
        Assert.Equal("[parameters('authClientId')]", auth.Node["properties"]!["identityProviders"]!["azureActiveDirectory"]!["registration"]!["clientId"]!.GetValue<string>());

        // Routes are served under host.json's route prefix.
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.RepoRoot, "host.json")))!;
        var prefix = (string?)host["extensions"]?["http"]?["routePrefix"] ?? "api";
        Assert.Equal([$"/{prefix}/webhooks/*"], Strings(auth.At("properties.globalValidation.excludedPaths")));
    }

    [Fact]
    public void Storage_and_key_vault_use_entra_id_only()
    {
        var storage = Template.Single("Microsoft.Storage/storageAccounts");
        Assert.False((bool)storage.At("properties.allowSharedKeyAccess")!);
        Assert.False((bool)storage.At("properties.allowBlobPublicAccess")!);
        Assert.Equal("claim-checks", (string?)Template.Module("storage").Parameter("claimCheckContainerName"));
        Assert.True((bool)Template.Single("Microsoft.KeyVault/vaults").At("properties.enableRbacAuthorization")!);
    }

    [Theory]
    [InlineData("functionAppHostName")]
    [InlineData("cosmosEndpoint")]
    public void Main_has_the_output(string name) =>
        Assert.NotNull(Template.Root.Template["outputs"]?[name]);
}
