using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: the benchmarks load native ONNX Runtime and real models; a child build per benchmark would
// only add minutes. Few iterations keep a full run under ten minutes on two cores; medians are reported.
var config = DefaultConfig.Instance.AddJob(
    Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(15));
BenchmarkSwitcher.FromAssembly(typeof(Siampain.Benchmarks.GalleryBenchmarks).Assembly).Run(args, config);
