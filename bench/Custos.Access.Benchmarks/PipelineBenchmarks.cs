using BenchmarkDotNet.Attributes;
using Custos.Access.Decisions;
using Custos.Ledger;
using Custos.Ledger.Log;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Custos.Access.Benchmarks;

/// <summary>
/// One decision of the workload mix through the whole pipeline, with an in-memory ledger; with
/// nothing listening, with the server's default metrics (a Prometheus reader), and with traces too.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private DecisionPipeline _pipeline = null!;
    private MerkleLog _log = null!;
    private MeterProvider? _metrics;
    private TracerProvider? _traces;
    private int _next;

    [Params("off", "metrics", "metrics+traces")]
    public string Telemetry { get; set; } = "off";

    [GlobalSetup]
    public void Setup()
    {
        if (Telemetry != "off")
        {
            _metrics = Sdk.CreateMeterProviderBuilder().AddMeter(AccessTelemetry.Name, LedgerTelemetry.Name).AddPrometheusExporter().Build();
        }
        if (Telemetry == "metrics+traces")
        {
            _traces = Sdk.CreateTracerProviderBuilder().AddSource(AccessTelemetry.Name, LedgerTelemetry.Name).SetSampler(new AlwaysOnSampler()).Build();
        }
        (_pipeline, _log) = Workload.InMemoryPipelineAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _traces?.Dispose();
        _metrics?.Dispose();
    }

    [Benchmark]
    public Task<Decision> Decide()
    {
        var read = Workload.Mix[_next++ % Workload.Mix.Length];
        return _pipeline.DecideAsync(new ReaderIdentity(read.Reader, read.Location), read.Request, DecisionMode.Pdp);
    }
}
