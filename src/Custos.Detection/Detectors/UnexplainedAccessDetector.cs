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
}

/// <summary>
/// Allowed reads of subjects that no open case of the reader names. One such read is a slip
/// (a ticket closed a minute early, a quick look-up); several different people in a day is
/// someone browsing.
/// </summary>
public sealed class UnexplainedAccessDetector(UnexplainedAccessOptions options) : IDetector
{
    public const string DetectorName = "unexplained-access";

    private readonly ReaderTable<ThresholdState> _readers = new(_ => new ThresholdState(options.SlowWindow > options.Window ? options.SlowWindow : options.Window, 512));

    public string Name => DetectorName;

    public int StateSize => _readers.Count + _readers.States.Sum(s => s.Window.Count);

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var o = observation;
        ArgumentNullException.ThrowIfNull(findings);
        if (o.Explained || !o.Allowed)
        {
            return;
        }
        var state = _readers.Touch(o.ReaderId, o.Time);
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
        var (window, items) = recentCount >= options.Threshold ? (options.Window, recent)
            : state.Window.DistinctSubjects() >= options.SlowThreshold ? (options.SlowWindow, state.Window.Items.ToList())
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
            Reason = $"{o.ReaderId} read {subjects.Length} subjects ({Text.List(subjects)}) within {Text.Duration(window)} with no open case of theirs naming any of them.",
        });
        state.FiredUntil = o.Time + options.Window;
    }

    private Finding FollowUp(Observation o) => new()
    {
        Detector = Name,
        Severity = Severity.Medium,
        RaisedAt = o.Time,
        Readers = [o.ReaderId],
        Subjects = [o.SubjectId],
        Evidence = [o.Id],
        Reason = $"{o.ReaderId} read {o.SubjectId} with no open case of theirs naming them.",
    };

    public void Evict(DateTimeOffset now) => _readers.EvictIdleSince(now - (options.SlowWindow > options.Window ? options.SlowWindow : options.Window));
}
