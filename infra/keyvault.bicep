// Key Vault with Azure RBAC (no access policies): Messenger page tokens, Graph client state and other secrets.

@description('Azure region.')
param location string

@description('Key Vault name: 3-24 letters, digits and hyphens, starting with a letter.')
@minLength(3)
@maxLength(24)
param vaultName string

@description('Entra ID tenant of the vault.')
param tenantId string = subscription().tenantId

@description('Purge protection cannot be turned off again once on; leave it on outside throwaway environments.')
param enablePurgeProtection bool = true

param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The API accepts true or nothing here, never false.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
