// Service Bus namespace (Standard: sessions and duplicate detection need it) with the inbound-events queue.
// Sessions give one conversation's events in order; duplicate detection drops a webhook's redelivery by MessageId.
// Local (SAS key) auth is off: the app connects with its managed identity.

@description('Azure region.')
param location string

@description('Service Bus namespace name: 6-50 letters, digits and hyphens.')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('The queue that webhooks write to and the routing consumer reads.')
param inboundQueueName string = 'inbound-events'

@description('How long an event may wait before it is dead-lettered (ISO 8601 duration).')
param messageTimeToLive string = 'P14D'

param tags object = {}

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource inboundEvents 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: inboundQueueName
  properties: {
    requiresSession: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: messageTimeToLive
    lockDuration: 'PT1M'
    enablePartitioning: false
  }
}

output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output inboundQueueName string = inboundEvents.name
