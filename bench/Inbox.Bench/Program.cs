using InboxServerless.Bench;

// dotnet run -c Release --project bench/Inbox.Bench -- <mode> [options]; see bench/README.md.
return await BenchCommand.Run(args);
