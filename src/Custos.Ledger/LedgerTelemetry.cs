using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Custos.Ledger;

/// <summary>
/// The ledger's traces and metrics, named once here. Plain <see cref="System.Diagnostics"/>
/// types: whoever hosts the ledger decides whether and where they are exported.
/// </summary>
public static class LedgerTelemetry
{
    /// <summary>The name of the ledger's <see cref="ActivitySource"/> and <see cref="Meter"/>.</summary>
    public const string Name = "Custos.Ledger";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>An appender's wait, from handing the entry over until it is durable.</summary>
    public const string AppendActivity = "custos.ledger.append";

    /// <summary>One group commit: a durable write of a batch, linked to the appends it holds.</summary>
    public const string CommitActivity = "custos.ledger.commit";

    /// <summary>From an entry being queued until it is durable: group commit's wait plus the write.</summary>
    public static readonly Histogram<double> AppendDuration = Meter.CreateHistogram(
        "custos.ledger.append.duration", "s", "Time from queueing a ledger entry until it is durable.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    /// <summary>How many entries each durable write carried: large batches mean many appenders shared one fsync.</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram(
        "custos.ledger.batch.size", "{entry}", "Entries written by one group commit.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096] });
}
