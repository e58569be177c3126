namespace Custos.Oversight;

/// <summary>
/// Live detection, bound from the <c>Detection</c> section (<c>CUSTOS_Detection__Enabled</c> …):
/// whether this node runs the detectors, how far back it rebuilds their state after a restart,
/// where thresholds come from, how alerts are routed, and where they are sent.
/// </summary>
public sealed class LiveDetectionOptions
{
    public const string Section = "Detection";

    /// <summary>
    /// Whether this node runs detection: the engine, the alerts projection and the webhooks.
    /// Exactly one node of a deployment sharing a PostgreSQL ledger and store should; every
    /// node serves the alerts API from the shared store.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A JSON file of detector thresholds, as <c>custos detect run --options</c> takes; none: the documented defaults.</summary>
    public string? Options { get; set; }

    /// <summary>Decisions waiting for the detectors; beyond it they are read back from the ledger instead, never lost and never waited for.</summary>
    public int QueueCapacity { get; set; } = 16_384;

    /// <summary>
    /// How long the oldest ledger entry detection has not examined may wait before the node
    /// reports not ready (<c>/readyz</c>).
    /// </summary>
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromMinutes(5);

    public RebuildOptions Rebuild { get; set; } = new();

    public RoutingOptions Routing { get; set; } = new();

    /// <summary>Where each new or updated alert is POSTed (a SIEM).</summary>
    public IList<WebhookOptions> Webhooks { get; } = [];

    /// <summary>How the detectors' windowed state is rebuilt after a restart.</summary>
    public sealed class RebuildOptions
    {
        /// <summary>
        /// Only the ledger's decisions of this long before the restart are replayed. None (default):
        /// from the ledger's start, up to <see cref="MaxEntries"/> — the learned baselines (peer
        /// habits, each reader's hours, the returning detector's pairs) are the whole history's, and
        /// a shorter window makes a restarted node miss alerts one that never stopped raises.
        /// </summary>
        public TimeSpan? Window { get; set; }

        /// <summary>At most this many ledger entries before where detection stopped are replayed, whatever the window.</summary>
        public long MaxEntries { get; set; } = 2_000_000;
    }

    /// <summary>Which oversight queues alerts go to.</summary>
    public sealed class RoutingOptions
    {
        /// <summary>
        /// Departments that serve as oversight queues, in order of preference; an alert goes to
        /// the first with a member eligible for it. Empty (default): every department holding
        /// staff with the <c>oversight</c> role, the one with the most eligible members first.
        /// </summary>
        public IList<string> Queues { get; } = [];

        /// <summary>
        /// Identities (token subjects, such as outside counsel's) who work the <c>external</c>
        /// queue: alerts for which no one inside is independent enough.
        /// </summary>
        public IList<string> ExternalReviewers { get; } = [];
    }
}

/// <summary>One webhook sink: <c>Detection:Webhooks:0:Url</c> and so on.</summary>
public sealed class WebhookOptions
{
    /// <summary>Names the sink in logs and its delivery position; default: the URL. Keep it when the URL changes to resume where it stopped.</summary>
    public string? Name { get; set; }

    /// <summary>The absolute URL alerts are POSTed to; https for anything beyond this machine.</summary>
    public Uri? Url { get; set; }

    /// <summary>A shared secret; when set, each POST carries <c>Custos-Signature: sha256=HMAC(secret, timestamp + "." + body)</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>How long one POST may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry's delay; each failure doubles it, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two retries of one alert.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public string Key => Name is { Length: > 0 } name ? name : Url?.AbsoluteUri ?? "";
}
