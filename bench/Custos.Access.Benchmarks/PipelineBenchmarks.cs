using BenchmarkDotNet.Attributes;
using Custos.Access.Decisions;
using Custos.Ledger.Log;

namespace Custos.Access.Benchmarks;

/// <summary>One decision of the workload mix through the whole pipeline, with an in-memory ledger.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private DecisionPipeline _pipeline = null!;
    private MerkleLog _log = null!;
    private int _next;

    [GlobalSetup]
    public void Setup() => (_pipeline, _log) = Workload.InMemoryPipelineAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _log.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public Task<Decision> Decide()
    {
        var read = Workload.Mix[_next++ % Workload.Mix.Length];
        return _pipeline.DecideAsync(new ReaderIdentity(read.Reader, read.Location), read.Request, "pdp");
    }
}
