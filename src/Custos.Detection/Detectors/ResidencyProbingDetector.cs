using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="ResidencyProbingDetector"/>.</summary>
public sealed record ResidencyProbingOptions
{
    public bool Enabled { get; init; } = true;

    public TimeSpan Window { get; init; } = TimeSpan.FromDays(3);

    /// <summary>
    /// Distinct subjects read across residency that raise a finding, counting reads no open case
    /// of the reader explains and attempts that were refused.
    /// </summary>
    public int Threshold { get; init; } = 2;
}

/// <summary>
/// Reads of a subject whose data is held to a residency zone by a reader located, at the time,
/// outside that zone — the "staff abroad reading home users" of the design's section 1. A
/// travelling agent who works their own cases from abroad is not counted; reads no case
/// explains, or attempts the policy refused, are.
/// </summary>
public sealed class ResidencyProbingDetector(ResidencyProbingOptions options) : IDetector
{
    public const string DetectorName = "residency-probing";

    private readonly ReaderTable<ThresholdState> _readers = new(_ => new ThresholdState(options.Window, 256));

    public string Name => DetectorName;

    public int StateSize => _readers.Count + _readers.States.Sum(s => s.Window.Count);

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var o = observation;
        ArgumentNullException.ThrowIfNull(findings);
        if (!o.CrossesResidency || (o.Explained && o.Allowed))
        {
            return;
        }
        var state = _readers.Touch(o.ReaderId, o.Time);
        state.Window.Add(new Sighting(o.Time, o.Id, o.SubjectId, 1));
        var abroad = o.Reader is not null && o.Reader.Jurisdiction != o.Event.ReaderJurisdiction
            ? $", away from their home in {o.Reader.Jurisdiction}"
            : "";
        if (o.Time < state.FiredUntil)
        {
            findings.Add(new Finding
            {
                Detector = Name,
                Severity = Severity.Medium,
                RaisedAt = o.Time,
                Readers = [o.ReaderId],
                Subjects = [o.SubjectId],
                Evidence = [o.Id],
                Reason = $"{o.ReaderId}, located in {o.Event.ReaderJurisdiction}{abroad}, went on to read {o.SubjectId} whose data is held in zone {o.SubjectZone}.",
            });
            state.FiredUntil = o.Time + options.Window;
            return;
        }
        var count = state.Window.DistinctSubjects();
        if (count < options.Threshold)
        {
            return;
        }
        var subjects = state.Window.Subjects();
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = o.IsProtected || count >= 3 * options.Threshold ? Severity.High : Severity.Medium,
            RaisedAt = o.Time,
            Readers = [o.ReaderId],
            Subjects = subjects,
            Evidence = state.Window.EventIds(),
            Reason = $"{o.ReaderId}, located in {o.Event.ReaderJurisdiction}{abroad}, read {count} subjects ({Text.List(subjects)}) whose data is held in zone {o.SubjectZone}, with no open case naming them or against a refusal.",
        });
        state.FiredUntil = o.Time + options.Window;
    }

    public void Evict(DateTimeOffset now) => _readers.EvictIdleSince(now - options.Window);
}
