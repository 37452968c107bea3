// InboxServerless: the whole deployment, into one resource group.
//   az deployment group create -g <group> -f main.bicep -p environmentName=<name> authClientId=<app id>
targetScope = 'resourceGroup'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Short name of the environment (dev, test, prod, ...): prefixes every resource name.')
@minLength(2)
@maxLength(12)
param environmentName string

@description('Client (application) id of the Entra ID app registration whose tokens App Service Authentication accepts; it defines the AccountAdmin and SuperAdmin app roles.')
param authClientId string

@description('Entra ID tenant that issues those tokens.')
param authTenantId string = tenant().tenantId

@description('Purge protection on the Key Vault (cannot be turned off again once on).')
param keyVaultPurgeProtection bool = true

@description('Azure Communication Services endpoint (https://<resource>.communication.azure.com) that sends the product\'s mail with the app\'s managed identity; empty: no mail is sent (docs/email-sending.md).')
param acsEndpoint string = ''

@description('The address ACS sends from: DoNotReply@<guid>.azurecomm.net, or an address of a domain verified in the ACS resource.')
param acsSenderAddress string = ''

@description('More app settings for the function app (Messenger, Graph, ...), merged over the defaults.')
param additionalAppSettings object = {}

@description('Tags on every resource.')
param tags object = {}

var allTags = union(
  {
    'azd-env-name': environmentName
    application: 'inbox-serverless'
  },
  tags
)

// Globally unique names: the environment name plus a token stable for this resource group.
var prefix = toLower(environmentName)
var token = take(uniqueString(subscription().id, resourceGroup().id, environmentName), 8)
var compact = toLower(replace(environmentName, '-', ''))

var names = {
  logAnalytics: '${prefix}-inbox-logs-${token}'
  applicationInsights: '${prefix}-inbox-ai-${token}'
  storage: '${take(compact, 11)}inbox${token}'
  cosmos: '${prefix}-inbox-cosmos-${token}'
  serviceBus: '${prefix}-inbox-sb-${token}'
  keyVault: take('${compact}-kv-${token}', 24)
  plan: '${prefix}-inbox-plan-${token}'
  functionApp: '${prefix}-inbox-func-${token}'
}

module monitoring 'infra/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    tags: allTags
  }
}

module storage 'infra/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    storageAccountName: names.storage
    deploymentContainerName: 'app-package-${take(names.functionApp, 40)}'
    tags: allTags
  }
}

module cosmos 'infra/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    location: location
    accountName: names.cosmos
    tags: allTags
  }
}

module serviceBus 'infra/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    namespaceName: names.serviceBus
    tags: allTags
  }
}

module keyVault 'infra/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    vaultName: names.keyVault
    enablePurgeProtection: keyVaultPurgeProtection
    tags: allTags
  }
}

module functionApp 'infra/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    planName: names.plan
    functionAppName: names.functionApp
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    claimCheckContainerName: storage.outputs.claimCheckContainerName
    attachmentContainerName: storage.outputs.attachmentContainerName
    forwardedMailContainerName: storage.outputs.forwardedMailContainerName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    keyVaultUri: keyVault.outputs.uri
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    authClientId: authClientId
    authTenantId: authTenantId
    acsEndpoint: acsEndpoint
    acsSenderAddress: acsSenderAddress
    additionalAppSettings: additionalAppSettings
    tags: union(allTags, { 'azd-service-name': 'api' })
  }
}

module roles 'infra/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.accountName
    serviceBusNamespaceName: serviceBus.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output cosmosEndpoint string = cosmos.outputs.endpoint
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output inboundQueueName string = serviceBus.outputs.inboundQueueName
output keyVaultUri string = keyVault.outputs.uri
