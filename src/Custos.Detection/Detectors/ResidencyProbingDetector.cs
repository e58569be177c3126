using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="ResidencyProbingDetector"/>.</summary>
public sealed record ResidencyProbingOptions
{
    public bool Enabled { get; init; } = true;

    public TimeSpan Window { get; init; } = TimeSpan.FromDays(3);

    /// <summary>
    /// Distinct subjects, read or tried across residency with no open case of the reader naming
    /// them, that raise a finding.
    /// </summary>
    public int Threshold { get; init; } = 3;

    /// <summary>
    /// A reader whose cross-residency reads in the window are mostly explained by their cases
    /// (this many explained for each unexplained) is a travelling worker who slipped: the
    /// finding is low severity and waits for corroboration.
    /// </summary>
    public double TravellerRatio { get; init; } = 3;
}

/// <summary>
/// Reads of a subject whose data is held to a residency zone by a reader located, at the time,
/// outside that zone — the "staff abroad reading home users" of the design's section 1. A
/// travelling agent who works their own cases from abroad is not counted (nor refused for a
/// case subject); reads and attempts that no case of the reader explains are.
/// </summary>
public sealed class ResidencyProbingDetector(ResidencyProbingOptions options) : ThresholdDetector(DetectorName, options.Window, 512)
{
    public const string DetectorName = DetectorNames.ResidencyProbing;

    private protected override void Examine(Observation o, ICollection<Finding> findings)
    {
        if (!o.CrossesResidency)
        {
            return;
        }
        var state = Readers.Touch(o.ReaderId, o.Time);
        if (o.Explained)
        {
            // Kept (weight 0) only to tell a travelling worker from a prober.
            state.Window.Add(new Sighting(o.Time, o.Id, o.SubjectId, 0));
            return;
        }
        state.Window.Add(new Sighting(o.Time, o.Id, o.SubjectId, 1));
        var abroad = o.Reader is not null && o.Reader.Jurisdiction != o.Event.ReaderJurisdiction
            ? $", away from their home in {o.Reader.Jurisdiction}"
            : "";
        if (o.Time < state.FiredUntil)
        {
            // A follow-up adds evidence; it never raises on its own.
            findings.Add(Finding.OfEvent(Name, o, Severity.Low, $"{o.ReaderId}, located in {o.Event.ReaderJurisdiction}{abroad}, went on to read {o.SubjectId} whose data is held in zone {o.SubjectZone}."));
            state.FiredUntil = o.Time + options.Window;
            return;
        }
        var unexplained = state.Window.Items.Where(s => s.Weight > 0).ToList();
        var subjects = unexplained.Select(s => s.Subject).Distinct(StringComparer.Ordinal).ToArray();
        var count = subjects.Length;
        if (count < options.Threshold)
        {
            return;
        }
        var explained = state.Window.Count - unexplained.Count;
        var traveller = explained >= options.TravellerRatio * unexplained.Count;
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = traveller ? Severity.Low : o.IsProtected || count >= 3 * options.Threshold ? Severity.High : Severity.Medium,
            RaisedAt = o.Time,
            Readers = [o.ReaderId],
            Subjects = subjects,
            Evidence = [.. unexplained.Select(s => s.EventId)],
            Reason = $"{o.ReaderId}, located in {o.Event.ReaderJurisdiction}{abroad}, read {count} subjects ({Text.List(subjects)}) whose data is held in zone {o.SubjectZone}, {o.CasesClause()}.",
        });
        state.FiredUntil = o.Time + options.Window;
    }
}
