// Cosmos DB for NoSQL, serverless, Entra ID only (no keys). The containers and partition keys here must match
// functions/Inbox.Azure/Cosmos/CosmosContainers.cs: under RBAC the app cannot create containers itself (that is a
// control-plane operation), its CreateContainerIfNotExists only reads them and checks the partition key.

@description('Azure region.')
param location string

@description('Cosmos DB account name: 3-44 lowercase letters, digits and hyphens.')
@minLength(3)
@maxLength(44)
param accountName string

@description('Database name (the app\'s Cosmos__Database).')
param databaseName string = 'inbox'

param tags object = {}

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-10-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// Inboxes with their channels; names are unique per account (a unique key holds within its partition).
resource inboxes 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: 'inboxes'
  properties: {
    resource: {
      id: 'inboxes'
      partitionKey: {
        paths: [
          '/accountId'
        ]
        kind: 'Hash'
        version: 2
      }
      uniqueKeyPolicy: {
        uniqueKeys: [
          {
            paths: [
              '/nameKey'
            ]
          }
        ]
      }
    }
  }
}

// External id (page, mailbox, widget) to inbox: one partition per binding, so every lookup is a point read.
resource channelBindings 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: 'channelBindings'
  properties: {
    resource: {
      id: 'channelBindings'
      partitionKey: {
        paths: [
          '/id'
        ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

// Graph subscriptions of Office 365 mailboxes, by subscription id: the Graph webhook's lookup is a point read.
resource mailboxSubscriptions 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: 'mailboxSubscriptions'
  properties: {
    resource: {
      id: 'mailboxSubscriptions'
      partitionKey: {
        paths: [
          '/id'
        ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

// Users and teams, one query per account.
resource directory 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: 'directory'
  properties: {
    resource: {
      id: 'directory'
      partitionKey: {
        paths: [
          '/accountId'
        ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

// Conversations with their messages, read and written per inbox. The default indexing policy (every path, range) serves
// the queries on the top-level copies (status, assigneeId, assignedAtMs, lastMessageAtMs, sentAtMs) and the 7-day window
// timer's cross-partition range on windowClosesAtMs: keep those paths included if the policy is ever narrowed.
resource conversations 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: 'conversations'
  properties: {
    resource: {
      id: 'conversations'
      partitionKey: {
        paths: [
          '/inboxId'
        ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

// Contacts, matched within the account.
resource contacts 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: 'contacts'
  properties: {
    resource: {
      id: 'contacts'
      partitionKey: {
        paths: [
          '/accountId'
        ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

// Tickets, numbered and listed per account.
resource tickets 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: 'tickets'
  properties: {
    resource: {
      id: 'tickets'
      partitionKey: {
        paths: [
          '/accountId'
        ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
