using System.Diagnostics.Metrics;
using Custos.Oversight;
using Microsoft.Extensions.Options;

namespace Custos.Server.Telemetry;

/// <summary>
/// The gauges that read this node's state when a scrape or an export asks: on a meter of the
/// host's own (<see cref="IMeterFactory"/>), so that they go with the host that owns what they read.
/// </summary>
internal sealed class ServerGauges : IHostedService
{
    public ServerGauges(IMeterFactory meters, ServerLedger ledger, LedgerWitnessing witnessing, DetectionWorker detection, IOptions<LiveDetectionOptions> options)
    {
        var meter = meters.Create(ServerTelemetry.Name);
        if (witnessing.Enabled)
        {
            meter.CreateObservableGauge(ServerTelemetry.WitnessedSize,
                () => witnessing.Witnessed is { } witnessed ? [new Measurement<long>(witnessed.Size)] : Array.Empty<Measurement<long>>(),
                "{entry}", "Entries covered by the newest checkpoint that a quorum of witnesses cosigned.");
        }
        meter.CreateObservableGauge(ServerTelemetry.CheckpointAge,
            () => ledger.CheckpointAge is { } age ? [new Measurement<double>(age.TotalSeconds)] : Array.Empty<Measurement<double>>(),
            "s", "How long ledger entries have waited for a signed checkpoint: 0 when the latest covers the whole log.");
        if (options.Value.Enabled)
        {
            meter.CreateObservableGauge(ServerTelemetry.DetectionLag,
                () => ledger.Size is { } size && detection.Status.ExaminedBefore is { } examined ? [new Measurement<long>(Math.Max(0, size - examined))] : Array.Empty<Measurement<long>>(),
                "{entry}", "Ledger entries that detection has not yet examined.");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
