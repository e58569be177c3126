using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="ProtectedSubjectDetector"/>.</summary>
public sealed record ProtectedSubjectOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>How far back reads of protected subjects add up.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Score that raises a finding. A read scores its class weight times the highest tier it
    /// asked for, once per subject: by default one tier-3 read (an IP address) of a journalist
    /// raises at once, tier-1 profile reads need three protected subjects.
    /// </summary>
    public double Threshold { get; init; } = 3.0;

    /// <summary>Weight of a protected class; classes not listed weigh <see cref="DefaultClassWeight"/>.</summary>
    public IReadOnlyDictionary<string, double> ClassWeights { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["journalist"] = 1.0,
        ["minor"] = 1.0,
        ["public-figure"] = 1.0,
        [WorldIndex.EmployeeClass] = 1.0,
    };

    public double DefaultClassWeight { get; init; } = 1.0;

    /// <summary>
    /// Multiplier of an attempt the policy refused. By default a refusal counts as a read: it
    /// exposed nothing, but trying for a journalist's IP address with no case is the intent
    /// oversight must see (under Custos the section 1 incident is a run of refusals).
    /// </summary>
    public double DeniedWeight { get; init; } = 1.0;

    /// <summary>
    /// Multiplier of a read under a case the reader made themselves (formats.md, provenance)
    /// that names a protected subject of a class the reader's peers seldom touch: such a case
    /// is the reader's own claim, so the read still scores, lower than with no case at all.
    /// </summary>
    public double SelfMadeWeight { get; init; } = 0.75;

    /// <summary>Lowest tier that makes the finding high severity.</summary>
    public int HighTier { get; init; } = 3;
}

/// <summary>
/// Reads (or attempts, allowed or denied) of protected subjects that no open case of the reader
/// names. Invariant 3 makes every legitimate read name a case covering the subject; a protected
/// subject read outside one is the first link of the design's section 1 incident. A case the
/// reader made themselves does not silence a read of a class their peer group seldom touches
/// (a journalist read by an auditor "for an investigation"): it scores lower, but it scores.
/// </summary>
public sealed class ProtectedSubjectDetector(ProtectedSubjectOptions options) : IDetector
{
    public const string DetectorName = DetectorNames.ProtectedSubject;

    private readonly ReaderTable<ThresholdState> _readers = new(_ => new ThresholdState(options.Window, 256));

    // Departments whose members read, under cases of their own, classes their peers seldom
    // touch: two colluding colleagues splitting a hunt each stay under the threshold alone.
    private readonly ReaderTable<ThresholdState> _teams = new(_ => new ThresholdState(options.Window, 256));

    public string Name => DetectorName;

    public int StateSize => _readers.Count + _teams.Count + _readers.States.Concat(_teams.States).Sum(s => s.Window.Count);

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var o = observation;
        ArgumentNullException.ThrowIfNull(findings);
        if (!o.IsProtected || (o.Explained && !o.SelfMadeOutsidePeers()))
        {
            return;
        }
        var weight = 0.0;
        foreach (var @class in o.ProtectedClasses)
        {
            weight = Math.Max(weight, options.ClassWeights.GetValueOrDefault(@class, options.DefaultClassWeight));
        }
        var score = weight * o.MaxTier * (o.Allowed ? 1 : options.DeniedWeight) * (o.Covered ? options.SelfMadeWeight : 1);
        if (o.Covered && o.Reader is { } member && score > 0)
        {
            Team(o, member.Department, score, findings);
        }
        var state = _readers.Touch(o.ReaderId, o.Time);
        state.Window.Add(new Sighting(o.Time, o.Id, o.SubjectId, score));

        var classes = string.Join(", ", o.ProtectedClasses);
        var what = o.HighestCategory ?? "data";
        var verb = o.Allowed ? "read" : "tried to read";
        if (o.Time < state.FiredUntil && score > 0)
        {
            findings.Add(Finding.OfEvent(Name, o, o.MaxTier >= options.HighTier ? Severity.High : Severity.Medium, $"{o.ReaderId} {verb} {what} of protected subject {o.SubjectId} ({classes}) {o.CaseClause()}."));
            state.FiredUntil = o.Time + options.Window;
            return;
        }

        var total = state.Window.WeightBySubject();
        if (total < options.Threshold)
        {
            return;
        }
        var subjects = state.Window.Subjects();
        var maxTier = o.MaxTier;
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = maxTier >= options.HighTier || total >= 2 * options.Threshold ? Severity.High : Severity.Medium,
            RaisedAt = o.Time,
            Readers = [o.ReaderId],
            Subjects = subjects,
            Evidence = state.Window.EventIds(),
            Reason = subjects.Length == 1
                ? $"{o.ReaderId} {verb} {what} of protected subject {o.SubjectId} ({classes}) {o.CaseClause()}{Outside(o)}."
                : $"{o.ReaderId} read {subjects.Length} protected subjects ({Text.List(subjects)}) within {Text.Duration(options.Window)} {o.CasesClause()}, the last ({classes}) for {what}{(o.Allowed ? "" : ", refused")}{Outside(o)}.",
        });
        state.FiredUntil = o.Time + options.Window;
    }

    private void Team(Observation o, string department, double score, ICollection<Finding> findings)
    {
        var team = _teams.Touch(department, o.Time);
        team.Window.Add(new Sighting(o.Time, o.Id, o.SubjectId, score, o.ReaderId));
        var readers = team.Window.Items.Select(i => i.Reader!).Distinct(StringComparer.Ordinal).ToArray();
        if (o.Time < team.FiredUntil || readers.Length < 2 || team.Window.WeightBySubject() < options.Threshold)
        {
            return; // one reader alone is their own window's finding; a team's alert, once raised, grows through theirs
        }
        var subjects = team.Window.Subjects();
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = Severity.High,
            RaisedAt = o.Time,
            Readers = readers,
            Subjects = subjects,
            Evidence = team.Window.EventIds(),
            Reason = $"{Text.List(readers)}, of department {department}, read {subjects.Length} protected subjects ({Text.List(subjects)}) within {Text.Duration(options.Window)} {o.CasesClause()}; their peers seldom read people of those classes.",
        });
        team.FiredUntil = o.Time + options.Window;
    }

    private static string Outside(Observation o) => o.Covered ? "; their peers seldom read people of that class" : "";

    public void Evict(DateTimeOffset now)
    {
        _readers.EvictIdleSince(now - options.Window);
        _teams.EvictIdleSince(now - options.Window);
    }
}
