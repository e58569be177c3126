using System.Diagnostics.Metrics;

namespace Custos.Oversight;

/// <summary>
/// The metrics of live oversight, named once here. Plain <see cref="System.Diagnostics"/> types:
/// the executable wires an exporter, or nothing listens.
/// </summary>
/// <remarks>
/// Tags are closed vocabularies (detector, state, webhook name), never a reader or subject:
/// anyone who reaches <c>GET /metrics</c> may read them.
/// </remarks>
public static class OversightTelemetry
{
    /// <summary>The name of the <see cref="Meter"/> of Custos.Oversight.</summary>
    public const string Name = "Custos.Oversight";

    public static readonly Meter Meter = new(Name);

    /// <summary>Alerts raised by detection, and triaged by oversight; tags: detector, and state (raised, or the triage outcome).</summary>
    public static readonly Counter<long> Alerts = Meter.CreateCounter<long>(
        "custos.alerts", "{alert}", "Alerts raised (state=raised) and triaged (state=confirmed, benign, needs-info), by detector.");

    /// <summary>Alert entries a webhook has taken from the store and not yet delivered; tag: webhook (its configured name).</summary>
    public static readonly UpDownCounter<long> WebhookBacklog = Meter.CreateUpDownCounter<long>(
        "custos.webhook.backlog", "{entry}", "Alert entries read for a webhook and not yet delivered (a batch at a time: at most 64 per webhook).");
}
