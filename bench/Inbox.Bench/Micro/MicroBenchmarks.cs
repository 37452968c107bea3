using BenchmarkDotNet.Running;

namespace InboxServerless.Bench.Micro;

public static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(args);
        return 0;
    }
}
