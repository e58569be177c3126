using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="LocationProbingDetector"/>.</summary>
public sealed record LocationProbingOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Within this window, location reads of both a staff account and a protected subject raise a finding.</summary>
    public TimeSpan PairWindow { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Within this window, location reads of many subjects raise a finding.</summary>
    public TimeSpan ManyWindow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Distinct subjects whose location was read with no open case naming them, within <see cref="ManyWindow"/>.</summary>
    public int ManyThreshold { get; init; } = 4;
}

/// <summary>
/// Location-grade reads (categories masked as <c>ip-prefix</c> or <c>city</c>: IP addresses,
/// coordinates) that compare where people are: of both staff accounts and protected subjects
/// (the design's section 1 — leak-hunting by matching employees' and journalists' locations),
/// or of many subjects in a short time. Only reads no open case of the reader explains count,
/// except that a staff account's location read under a case still pairs with an unexplained
/// protected subject's.
/// </summary>
public sealed class LocationProbingDetector(LocationProbingOptions options) : IDetector
{
    public const string DetectorName = DetectorNames.LocationProbing;

    private readonly ReaderTable<State> _readers = new(_ => new State(options));

    private TimeSpan Horizon => options.PairWindow > options.ManyWindow ? options.PairWindow : options.ManyWindow;

    public string Name => DetectorName;

    public int StateSize => _readers.Count + _readers.States.Sum(s => s.Employees.Count + s.Protected.Count + s.Many.Count);

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var o = observation;
        ArgumentNullException.ThrowIfNull(findings);
        if (!o.ReadsLocation)
        {
            return;
        }
        var isEmployee = o.Employee is not null;
        var isOtherProtected = o.ProtectedClasses.Any(c => c != WorldIndex.EmployeeClass);
        if (o.Explained && !isEmployee)
        {
            return;
        }
        var state = _readers.Touch(o.ReaderId, o.Time);
        var sighting = new Sighting(o.Time, o.Id, o.SubjectId, o.Explained ? 0 : 1);
        if (isEmployee)
        {
            state.Employees.Add(sighting);
        }
        if (isOtherProtected)
        {
            state.Protected.Add(sighting);
        }
        if (!o.Explained)
        {
            state.Many.Add(sighting);
        }
        state.Employees.Trim(o.Time);
        state.Protected.Trim(o.Time);
        state.Many.Trim(o.Time);

        if (o.Time < state.FiredUntil)
        {
            findings.Add(Finding.OfEvent(Name, o, isEmployee || isOtherProtected ? Severity.High : Severity.Medium, $"{o.ReaderId} went on to read {o.HighestCategory} of {o.SubjectId}{(isEmployee ? ", a staff account" : isOtherProtected ? $", a protected subject ({string.Join(", ", o.ProtectedClasses)})" : "")}."));
            state.FiredUntil = o.Time + options.ManyWindow;
            return;
        }

        var unexplainedPair = state.Employees.Items.Any(s => s.Weight > 0) || state.Protected.Items.Any(s => s.Weight > 0);
        if (state.Employees.Count > 0 && state.Protected.Count > 0 && unexplainedPair)
        {
            var employees = state.Employees.Subjects();
            var protectedSubjects = state.Protected.Subjects();
            findings.Add(new Finding
            {
                Detector = Name,
                Severity = Severity.High,
                RaisedAt = o.Time,
                Readers = [o.ReaderId],
                Subjects = [.. employees, .. protectedSubjects],
                Evidence = [.. state.Employees.EventIds(), .. state.Protected.EventIds()],
                Reason = $"{o.ReaderId} read location-grade data of staff account {Text.List(employees)} and of protected subject {Text.List(protectedSubjects)} within {Text.Duration(options.PairWindow)}, the pattern of matching employees' whereabouts against protected people.",
            });
            state.FiredUntil = o.Time + options.ManyWindow;
            return;
        }

        var many = state.Many.DistinctSubjects();
        if (many >= options.ManyThreshold)
        {
            var subjects = state.Many.Subjects();
            findings.Add(new Finding
            {
                Detector = Name,
                Severity = Severity.Medium,
                RaisedAt = o.Time,
                Readers = [o.ReaderId],
                Subjects = subjects,
                Evidence = state.Many.EventIds(),
                Reason = $"{o.ReaderId} read location-grade data ({o.HighestCategory}) of {many} subjects ({Text.List(subjects)}) within {Text.Duration(options.ManyWindow)} {o.CasesClause()}.",
            });
            state.FiredUntil = o.Time + options.ManyWindow;
        }
    }

    public void Evict(DateTimeOffset now) => _readers.EvictIdleSince(now - Horizon);

    private sealed class State(LocationProbingOptions options)
    {
        public SightingWindow Employees { get; } = new(options.PairWindow, 64);

        public SightingWindow Protected { get; } = new(options.PairWindow, 64);

        public SightingWindow Many { get; } = new(options.ManyWindow, 256);

        public DateTimeOffset FiredUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
