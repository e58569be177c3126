using System.Diagnostics.Metrics;

namespace Custos.Server.Telemetry;

/// <summary>
/// The server's own metrics, named once here; the libraries name theirs in
/// <see cref="Access.AccessTelemetry"/>, <see cref="Ledger.LedgerTelemetry"/> and <see cref="Oversight.OversightTelemetry"/>.
/// </summary>
/// <remarks>
/// Who may read them: anyone who reaches <c>GET /metrics</c>, as with <c>/healthz</c> — a
/// Prometheus scraper holds no Custos token. That is safe only because no tag names a
/// person: tags are closed vocabularies (outcome, mode, reason, detector, state), never a
/// reader, subject or case id.
/// </remarks>
public static class ServerTelemetry
{
    /// <summary>The name of the server's <see cref="Meter"/>.</summary>
    public const string Name = "Custos.Server";

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> AuthenticationFailures = Meter.CreateCounter<long>(
        "custos.authentication.failures", "{request}", "Requests refused with 401, by reason (missing, expired, invalid).");

    /// <summary>Observed per node by <see cref="ServerGauges"/>: seconds entries have waited for a signed checkpoint.</summary>
    public const string CheckpointAge = "custos.ledger.checkpoint.age";

    /// <summary>One round of asking the witnesses to cosign a checkpoint, tagged <c>witnessed</c> (true when the quorum was met).</summary>
    public static readonly Histogram<double> WitnessingDuration = Meter.CreateHistogram(
        "custos.ledger.witnessing.duration", "s", "Time to gather the witnesses' cosignatures on one checkpoint.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>Observed per node by <see cref="ServerGauges"/>: the size of the newest checkpoint a quorum of witnesses cosigned.</summary>
    public const string WitnessedSize = "custos.ledger.witnessed.size";

    /// <summary>Observed per node by <see cref="ServerGauges"/>: ledger entries detection has not yet examined.</summary>
    public const string DetectionLag = "custos.detection.lag";
}
