// The function app: Linux, Flex Consumption, .NET 10 isolated worker, system-assigned managed identity.
// Every connection is identity-based (no keys or connection strings with secrets in the settings), and
// App Service Authentication (Entra ID) guards every route except the webhooks, which check signatures instead.

@description('Azure region.')
param location string

@description('Flex Consumption plan name.')
param planName string

@description('Function app name (its host name is <name>.azurewebsites.net).')
param functionAppName string

@description('Host storage account name (AzureWebJobsStorage, identity-based).')
param storageAccountName string

@description('Blob endpoint of the host storage account, ending in a slash.')
param storageBlobEndpoint string

@description('Blob container the app package is deployed from.')
param deploymentContainerName string

@description('Blob container for claim checks.')
param claimCheckContainerName string

@description('Blob container of e-mail attachments (Attachments section of the app).')
param attachmentContainerName string
@description('Blob container for forwarded messages.')
param forwardedMailContainerName string

@description('Cosmos DB account endpoint (https://<account>.documents.azure.com:443/).')
param cosmosEndpoint string

@description('Cosmos DB database name.')
param cosmosDatabaseName string

@description('Service Bus namespace host name (<namespace>.servicebus.windows.net).')
param serviceBusFullyQualifiedNamespace string

@description('Key Vault URI (https://<vault>.vault.azure.net/).')
param keyVaultUri string

@description('Application Insights connection string (no secret in it: local auth is off, the identity sends telemetry).')
param applicationInsightsConnectionString string

@description('Client id of the Entra ID app registration that App Service Authentication validates tokens for.')
param authClientId string

@description('Entra ID tenant that issues the tokens.')
param authTenantId string

@description('Token audiences accepted besides the client id itself and api://<client id>.')
param authAdditionalAudiences array = []

@description('Paths App Service Authentication lets through unauthenticated: the webhooks, which check the sender\'s signature instead.')
param unauthenticatedPaths array = [
  '/api/webhooks/*'
]

@description('Most instances Flex Consumption may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Azure Communication Services endpoint for outgoing mail (managed identity); empty: mail is refused as not configured.')
param acsEndpoint string = ''

@description('The address ACS sends the product\'s mail from.')
param acsSenderAddress string = ''

@description('More app settings (for example Messenger or Graph settings, or Key Vault references), merged over the defaults.')
param additionalAppSettings object = {}

param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Flex Consumption sets the worker runtime and the Functions version from functionAppConfig:
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION must not be app settings here.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(
    {
      AzureWebJobsStorage__accountName: storageAccountName
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
      Cosmos__Endpoint: cosmosEndpoint
      Cosmos__Database: cosmosDatabaseName
      // The Service Bus trigger's Connection = "ServiceBus": an identity-based connection by this prefix.
      ServiceBus__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
      KeyVault__Uri: keyVaultUri
      ClaimChecks__BlobServiceUri: storageBlobEndpoint
      ClaimChecks__ContainerName: claimCheckContainerName
      Attachments__BlobServiceUri: storageBlobEndpoint
      Attachments__ContainerName: attachmentContainerName
      // Where Microsoft Graph notifies Office 365 mail (docs/email-office365.md); the app's id and credential come
      // through additionalAppSettings (Graph__ClientId, and a Key Vault reference or Graph__UseManagedIdentity).
      Graph__NotificationUrl: 'https://${functionApp.properties.defaultHostName}/api/webhooks/graph'
      Graph__LifecycleNotificationUrl: 'https://${functionApp.properties.defaultHostName}/api/webhooks/graph/lifecycle'
      ForwardedMail__BlobServiceUri: storageBlobEndpoint
      ForwardedMail__ContainerName: forwardedMailContainerName
      // The inbound URL a forwarding channel's connect answer shows: the app's own host name.
      Forwarding__PublicBaseUrl: 'https://${functionApp.properties.defaultHostName}'
      // Outgoing mail through Azure Communication Services (docs/email-sending.md); a connection string instead goes
      // through additionalAppSettings as a Key Vault reference (Email__Acs__ConnectionString).
      Email__Acs__Endpoint: acsEndpoint
      Email__Acs__SenderAddress: acsSenderAddress
    },
    additionalAppSettings
  )
}

resource authSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: unauthenticatedPaths
    }
    httpSettings: {
      requireHttps: true
      forwardProxy: {
        convention: 'NoProxy'
      }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: concat(
            [
              authClientId
              'api://${authClientId}'
            ],
            authAdditionalAudiences
          )
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

// Deployments go through Entra ID (azd, az functionapp deploy); no publishing passwords.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output id string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName
output principalId string = functionApp.identity.principalId
