using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Custos.Access;

/// <summary>
/// The traces and metrics of decisions and provisioning, named once here. Plain
/// <see cref="System.Diagnostics"/> types: the executable wires an exporter, or nothing listens.
/// </summary>
/// <remarks>
/// Tags are closed vocabularies (outcome, mode, result) and never a subject,
/// reader or case: metrics are operational data that any operator may scrape.
/// </remarks>
public static class AccessTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and <see cref="Meter"/> of Custos.Access.</summary>
    public const string Name = "Custos.Access";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>One decision, from the request to the ledgered answer.</summary>
    public const string DecideActivity = "custos.decide";

    /// <summary>The Cedar evaluation of a decision's categories.</summary>
    public const string CedarActivity = "custos.cedar.evaluate";

    public static readonly Counter<long> Decisions = Meter.CreateCounter<long>(
        "custos.decisions", "{decision}", "Decisions ledgered, by outcome (allow, partial, deny) and mode (pdp, gateway).");

    public static readonly Histogram<double> DecisionDuration = Meter.CreateHistogram(
        "custos.decision.duration", "s", "Time to decide and ledger one decision, by outcome and mode.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    public static readonly Counter<long> ScimChanges = Meter.CreateCounter<long>(
        "custos.scim.changes", "{change}", "Staff and department changes applied through SCIM, by result: activated (the world changed) or unchanged (it already said so).");

}
