using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="DeniedBurstDetector"/>.</summary>
public sealed record DeniedBurstOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>A short burst: this many denials within <see cref="BurstWindow"/>.</summary>
    public int BurstThreshold { get; init; } = 5;

    public TimeSpan BurstWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A slow probe: this many denials within <see cref="SlowWindow"/>.</summary>
    public int SlowThreshold { get; init; } = 8;

    public TimeSpan SlowWindow { get; init; } = TimeSpan.FromDays(3);

    /// <summary>Denials must span at least this many subjects (one subject retried is a broken tool, not a probe).</summary>
    public int MinSubjects { get; init; } = 2;

    /// <summary>Denials that make the finding high severity.</summary>
    public int HighThreshold { get; init; } = 15;

    /// <summary>
    /// Both thresholds rise to the peer group's own habit: its mean daily count of refused
    /// subjects plus this many standard deviations (for the slow window, its days' worth),
    /// once the group has <see cref="MinGroupReaderDays"/> reader-days of history. A world
    /// whose tools often ask for more than a purpose allows does not flood oversight.
    /// </summary>
    public double Deviations { get; init; } = 4;

    public int MinGroupReaderDays { get; init; } = 30;

    /// <summary>…and at least the Poisson bound of the group's mean at this tail probability per window.</summary>
    public double TailProbability { get; init; } = 1e-5;
}

/// <summary>
/// A reader whose requests are refused again and again: someone testing the edges of their
/// access, in a burst or spread over days.
/// </summary>
public sealed class DeniedBurstDetector(DeniedBurstOptions options) : IDetector
{
    public const string DetectorName = DetectorNames.DeniedBurst;

    private readonly ReaderTable<State> _readers = new(_ => new State(options));
    private readonly PeerBaseline _baseline = new(options.MinGroupReaderDays, options.Deviations, options.BurstThreshold, options.TailProbability);

    public string Name => DetectorName;

    public int StateSize => _readers.Count + _readers.States.Sum(s => s.Slow.Count) + _baseline.StateSize;

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(findings);
        var o = observation;
        _baseline.Touch(o);
        if (o.Allowed)
        {
            return;
        }
        _baseline.Count(o);
        var state = _readers.Touch(o.ReaderId, o.Time);
        state.Slow.Add(new Sighting(o.Time, o.Id, o.SubjectId, 1));
        if (o.Time < state.FiredUntil)
        {
            findings.Add(Finding.OfEvent(Name, o, Severity.Medium, $"{o.ReaderId} was refused again, for {o.HighestCategory ?? "data"} of {o.SubjectId}."));
            state.FiredUntil = o.Time + options.BurstWindow;
            return;
        }

        var burstStart = o.Time - options.BurstWindow;
        var burst = state.Slow.Items.Where(s => s.Time > burstStart).ToList();
        var burstSubjects = burst.Select(s => s.Subject).Distinct(StringComparer.Ordinal).Count();
        var burstThreshold = _baseline.Limit(o.PeerGroup, options.BurstThreshold);
        var slowThreshold = _baseline.Limit(o.PeerGroup, options.SlowThreshold, options.SlowWindow.TotalDays);
        var (window, count, subjects) = burst.Count >= burstThreshold && burstSubjects >= options.MinSubjects
            ? (options.BurstWindow, burst.Count, burst)
            : (options.SlowWindow, state.Slow.Count, state.Slow.Items.ToList());
        var distinct = subjects.Select(s => s.Subject).Distinct(StringComparer.Ordinal).ToArray();
        var threshold = window == options.BurstWindow ? burstThreshold : slowThreshold;
        if (count < threshold || distinct.Length < options.MinSubjects)
        {
            return;
        }
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = count >= options.HighThreshold ? Severity.High : Severity.Medium,
            RaisedAt = o.Time,
            Readers = [o.ReaderId],
            Subjects = distinct,
            Evidence = [.. subjects.Select(s => s.EventId)],
            Reason = $"{o.ReaderId} was refused {count} times within {Text.Duration(window)}, for {distinct.Length} subjects ({Text.List(distinct)}).",
        });
        state.FiredUntil = o.Time + options.BurstWindow;
    }

    public void Evict(DateTimeOffset now)
    {
        _readers.EvictIdleSince(now - options.SlowWindow);
        _baseline.Evict(now);
    }

    private sealed class State(DeniedBurstOptions options)
    {
        public SightingWindow Slow { get; } = new(options.SlowWindow, 256);

        public DateTimeOffset FiredUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
