using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="SelfColleagueDetector"/>.</summary>
public sealed record SelfColleagueOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>After a finding, further look-ups within this window are follow-ups of it.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Whether reading one's own account under a case of one's own still raises (it is a conflict of interest).</summary>
    public bool SelfEvenWithCase { get; init; } = true;

    /// <summary>Colleague look-ups (no case naming them) within the window that raise a finding.</summary>
    public int ColleagueThreshold { get; init; } = 1;
}

/// <summary>
/// Reads of staff members' own platform accounts (<c>staff[].account</c>) by themselves, by a
/// colleague of the same department, or by someone in their management line: curiosity about
/// people one knows, the commonest insider misuse. A case the reader opened themselves does not
/// excuse a colleague's account unless their peers read employees' accounts as their work.
/// </summary>
public sealed class SelfColleagueDetector(SelfColleagueOptions options) : ThresholdDetector(DetectorName, options.Window, 64)
{
    public const string DetectorName = DetectorNames.SelfColleague;

    private protected override void Examine(Observation o, ICollection<Finding> findings)
    {
        if (o.Employee is not { } employee)
        {
            return;
        }
        string? relation;
        if (employee.Id == o.ReaderId)
        {
            relation = o.Explained && !options.SelfEvenWithCase ? null : "their own account";
        }
        else if (o.Reader is null || (o.Covered && !ColleagueCaseIsWeak(o)))
        {
            relation = null;
        }
        else if (employee.Department == o.Reader.Department)
        {
            relation = $"the account of {employee.Id}, a colleague in {employee.Department}";
        }
        else if (o.World.ManagementChain(o.ReaderId).Contains(employee.Id, StringComparer.Ordinal))
        {
            relation = $"the account of {employee.Id}, their manager";
        }
        else if (o.World.ManagementChain(employee.Id).Contains(o.ReaderId, StringComparer.Ordinal))
        {
            relation = $"the account of {employee.Id}, who reports to them";
        }
        else
        {
            relation = null;
        }
        if (relation is null)
        {
            return;
        }
        var state = Readers.Touch(o.ReaderId, o.Time);
        state.Window.Add(new Sighting(o.Time, o.Id, o.SubjectId, 1));
        var self = employee.Id == o.ReaderId;
        if (!self && o.Time >= state.FiredUntil && state.Window.DistinctSubjects() < options.ColleagueThreshold)
        {
            return;
        }
        var verb = o.Allowed ? "read" : "tried to read";
        var followUp = o.Time < state.FiredUntil;
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = o.MaxTier >= 3 ? Severity.High : Severity.Medium,
            RaisedAt = o.Time,
            Readers = [o.ReaderId],
            Subjects = followUp ? [o.SubjectId] : state.Window.Subjects(),
            Evidence = followUp ? [o.Id] : state.Window.EventIds(),
            Reason = $"{o.ReaderId} {verb} {o.HighestCategory ?? "data"} of {o.SubjectId}, {relation}{(self && o.Covered ? "" : ", " + o.CaseClause())}.",
        });
        state.FiredUntil = o.Time + options.Window;
    }

    /// <summary>
    /// A case explains a look at a colleague only when someone else asked for it (a ticket, a
    /// queue, a colleague's case) — or when the reader made it themselves and reading employees'
    /// accounts is what their peer group does (internal audit), learned, not named.
    /// </summary>
    private static bool ColleagueCaseIsWeak(Observation o) =>
        o.SelfMadeCover && (o.SelfMadeUnusual || o.IsRareForPeers(WorldIndex.EmployeeClass));
}
