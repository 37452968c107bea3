// Starts the patched Cosmos DB emulator for the dev host and the tests.
// Usage: node cosmos.js [port]   (port 0 or none: any free port). Prints "listening <port>" once ready.
// It exits when its standard input closes, so it never outlives the process that started it.
"use strict";
const { createHttpsServer } = require("@vercel/cosmosdb-server");

const port = parseInt(process.argv[2] || "0", 10);
// keepAlive: without it the emulator answers "Connection: close", so every SDK request paid a new TLS handshake.
const server = createHttpsServer({ keepAlive: true }).listen(port, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
