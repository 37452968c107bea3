// The Functions host storage account: the host's leases and timers, Durable Functions' queues, tables and blobs,
// the Flex Consumption deployment package, and the claim checks of events too large for a Service Bus message.
// Shared keys are off: everything reaches it with Entra ID (the app's managed identity).

@description('Azure region.')
param location string

@description('Storage account name: 3-24 lowercase letters and digits.')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Blob container for events larger than a Service Bus message (claim check pattern).')
param claimCheckContainerName string = 'claim-checks'

@description('Blob container that holds the function app package (Flex Consumption deploys from it).')
param deploymentContainerName string

@description('Days after which a claim-check blob is deleted; far beyond the queue\'s message time to live.')
@minValue(1)
param claimCheckRetentionDays int = 30

@description('Blob container for e-mail attachments and inline images (kept: messages reference them).')
param attachmentContainerName string = 'attachments'
@description('Blob container for forwarded messages between the forwarding webhook and the queue\'s consumer.')
param forwardedMailContainerName string = 'forwarded-mail'


param tags object = {}

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-08-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource claimChecks 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' = {
  parent: blobService
  name: claimCheckContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource attachments 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' = {
  parent: blobService
  name: attachmentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource forwardedMail 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' = {
  parent: blobService
  name: forwardedMailContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deploymentPackages 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-08-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-claim-checks'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${claimCheckContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: claimCheckRetentionDays
                }
              }
            }
          }
        }
        {
          // A forwarded message is read within minutes; a change can be redelivered, so its blob outlives the queue's retries.
          name: 'expire-forwarded-mail'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${forwardedMailContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: claimCheckRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    claimChecks
    forwardedMail
  ]
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output claimCheckContainerName string = claimChecks.name
output attachmentContainerName string = attachments.name
output forwardedMailContainerName string = forwardedMail.name
output deploymentContainerName string = deploymentPackages.name
