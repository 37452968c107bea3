using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace InboxServerless.Bench.Micro;

public static class MicroBenchmarks
{
    /// <summary>
    /// A short job, so the whole suite runs in a few minutes on a shared machine: the rules measured take micro- to
    /// nanoseconds, where a few iterations already give a stable mean. In process, so BenchmarkDotNet does not build
    /// its own copy of the bench (and the dev host it references) for every run.
    /// </summary>
    public static readonly IConfig Short = DefaultConfig.Instance.AddJob(
        Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(15)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .AsDefault());

    public static int Run(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(args, Short);
        return 0;
    }
}
