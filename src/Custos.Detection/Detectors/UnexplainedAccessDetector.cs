using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="UnexplainedAccessDetector"/>.</summary>
public sealed record UnexplainedAccessOptions
{
    public bool Enabled { get; init; } = true;

    public TimeSpan Window { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Distinct subjects read with no open case naming them, within the window, that raise a finding.</summary>
    public int Threshold { get; init; } = 5;

    /// <summary>Distinct subjects that make the finding high severity.</summary>
    public int HighThreshold { get; init; } = 15;

    /// <summary>A slow browse: this many distinct subjects within <see cref="SlowWindow"/>.</summary>
    public int SlowThreshold { get; init; } = 10;

    public TimeSpan SlowWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The thresholds rise to the reader's peer group's own habit: its mean daily count of
    /// subjects read outside a case plus this many standard deviations (for the slow window:
    /// its days' worth of means plus this many deviations scaled by the square root of its
    /// days), once the group has <see cref="MinGroupReaderDays"/> reader-days of history. A
    /// world whose staff often read outside cases then does not flood oversight; in one where
    /// they rarely do, the floors <see cref="Threshold"/> and <see cref="SlowThreshold"/> hold.
    /// </summary>
    public double Deviations { get; init; } = 4;

    public int MinGroupReaderDays { get; init; } = 30;

    /// <summary>
    /// …and at least the count an ordinary member reaches with this probability per window if
    /// their reads outside a case were Poisson at the group's mean (a tail bound for small,
    /// skewed counts, where mean plus deviations is too lax).
    /// </summary>
    public double TailProbability { get; init; } = 1e-5;
}

/// <summary>
/// Allowed reads of subjects that no open case of the reader names. One such read is a slip
/// (a ticket closed a minute early, a quick look-up); several different people in a day is
/// someone browsing.
/// </summary>
public sealed class UnexplainedAccessDetector(UnexplainedAccessOptions options)
    : ThresholdDetector(DetectorName, options.SlowWindow > options.Window ? options.SlowWindow : options.Window, 512)
{
    public const string DetectorName = DetectorNames.UnexplainedAccess;

    private readonly PeerBaseline _baseline = new(options.MinGroupReaderDays, options.Deviations, options.Threshold, options.TailProbability);

    public override int StateSize => base.StateSize + _baseline.StateSize;

    private protected override void Examine(Observation o, ICollection<Finding> findings)
    {
        _baseline.Touch(o);
        if (o.Explained || !o.Allowed)
        {
            return;
        }
        _baseline.Count(o);
        var state = Readers.Touch(o.ReaderId, o.Time);
        state.Window.Add(new Sighting(o.Time, o.Id, o.SubjectId, 1));
        if (o.Time < state.FiredUntil)
        {
            findings.Add(FollowUp(o));
            state.FiredUntil = o.Time + options.Window;
            return;
        }
        // The short window first (a burst), then the long one (a slow browse).
        var recentStart = o.Time - options.Window;
        var recent = state.Window.Items.Where(s => s.Time > recentStart).ToList();
        var recentCount = recent.Select(s => s.Subject).Distinct(StringComparer.Ordinal).Count();
        var threshold = _baseline.Limit(o.PeerGroup, options.Threshold);
        var slowThreshold = _baseline.Limit(o.PeerGroup, options.SlowThreshold, options.SlowWindow.TotalDays);
        var (window, items) = recentCount >= threshold ? (options.Window, recent)
            : state.Window.DistinctSubjects() >= slowThreshold ? (options.SlowWindow, state.Window.Items.ToList())
            : (TimeSpan.Zero, []);
        if (items.Count == 0)
        {
            return;
        }
        var subjects = items.Select(s => s.Subject).Distinct(StringComparer.Ordinal).ToArray();
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = subjects.Length >= options.HighThreshold ? Severity.High : Severity.Medium,
            RaisedAt = o.Time,
            Readers = [o.ReaderId],
            Subjects = subjects,
            Evidence = [.. items.Select(s => s.EventId)],
            Reason = $"{o.ReaderId} read {subjects.Length} subjects ({Text.List(subjects)}) within {Text.Duration(window)} {(o.Covered ? o.CasesClause() : "with no open case of theirs naming any of them")}.",
        });
        state.FiredUntil = o.Time + options.Window;
    }

    private Finding FollowUp(Observation o) => Finding.OfEvent(Name, o, Severity.Medium, $"{o.ReaderId} read {o.SubjectId} {(o.Covered ? o.CaseClause() : "with no open case of theirs naming them")}.");

    public override void Evict(DateTimeOffset now)
    {
        base.Evict(now);
        _baseline.Evict(now);
    }
}
