using InboxServerless.DevHost;

// The function app's functions on Kestrel, on http://127.0.0.1:7071 unless --urls says otherwise; starts the local
// Cosmos DB emulator when no Cosmos:ConnectionString or Cosmos:Endpoint is configured. See DevHostApp.
await using var app = await DevHostApp.Build(args);
await app.RunAsync();
