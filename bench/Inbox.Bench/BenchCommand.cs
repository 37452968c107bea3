namespace InboxServerless.Bench;

/// <summary>The bench's modes: microbenchmarks, the ingest load benchmark and the end-to-end benchmark.</summary>
public static class BenchCommand
{
    public const string Usage = """
        usage: dotnet run -c Release --project bench/Inbox.Bench -- <mode> [options]
          micro [BenchmarkDotNet options]   the microbenchmarks (e.g. micro --filter '*Assignment*')
          load  [--seconds 60] [--rate 1000]   ingest over HTTP on the dev host, beside a bare Kestrel endpoint
          e2e   [--events 2000] [--senders 100]   webhook to stored conversation, beside the Cosmos emulator's raw write rate
          email [--seconds 30] [--rate 1000] [--kilobytes 50]   the Graph and forwarding webhooks, beside a bare Kestrel endpoint
        """;

    public static async Task<int> Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var rest = args[1..];
        switch (args[0])
        {
            case "micro":
                return Micro.MicroBenchmarks.Run(rest);
            case "load":
                return await Load.LoadBenchmark.Run(rest);
            case "e2e":
                return await Load.EndToEndBenchmark.Run(rest);
            case "email":
                return await Load.EmailWebhookBenchmark.Run(rest);
            case "host":
                return await Load.BenchHost.Run(rest);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
