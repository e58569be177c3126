using Custos.Detection.Correlation;
using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection;

/// <summary>
/// Detection as one object to push into: access events (and approvals) go in, in time order;
/// alert changes come out through the callback given at construction, synchronously, while the
/// event that caused them is being observed. The replay of <c>custos detect run</c> and the
/// live server drive the same engine. Not thread-safe: one engine consumes one ordered stream.
/// </summary>
public sealed class DetectionEngine
{
    private readonly IDetector[] _detectors;
    private readonly IApprovalDetector[] _approvalDetectors;
    private readonly Correlator _correlator;
    private readonly List<Finding> _findings = [];
    private readonly Dictionary<string, long> _findingsByDetector = new(StringComparer.Ordinal);
    private readonly DetectionOptions _options;
    private readonly PeerHabits _habits;
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;
    private DateTimeOffset _now = DateTimeOffset.MinValue;

    public DetectionEngine(World world, Action<AlertChange> publish, DetectionOptions? options = null)
        : this(new WorldIndex(world), publish, options)
    {
    }

    public DetectionEngine(WorldIndex world, Action<AlertChange> publish, DetectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(publish);
        _options = options ?? new DetectionOptions();
        World = world;
        var o = _options;
        _habits = new PeerHabits(o.CaseProvenance);
        var detectors = new List<IDetector>();
        if (o.ProtectedSubject.Enabled) detectors.Add(new ProtectedSubjectDetector(o.ProtectedSubject));
        if (o.UnexplainedAccess.Enabled) detectors.Add(new UnexplainedAccessDetector(o.UnexplainedAccess));
        if (o.GraphFanOut.Enabled) detectors.Add(new GraphFanOutDetector(o.GraphFanOut));
        if (o.LocationProbing.Enabled) detectors.Add(new LocationProbingDetector(o.LocationProbing));
        if (o.PeerOutlier.Enabled) detectors.Add(new PeerOutlierDetector(o.PeerOutlier));
        if (o.DeniedBurst.Enabled) detectors.Add(new DeniedBurstDetector(o.DeniedBurst));
        if (o.ResidencyProbing.Enabled) detectors.Add(new ResidencyProbingDetector(o.ResidencyProbing));
        if (o.SelfColleague.Enabled) detectors.Add(new SelfColleagueDetector(o.SelfColleague));
        if (o.ApprovalCollusion.Enabled) detectors.Add(new ApprovalCollusionDetector(o.ApprovalCollusion));
        if (o.OffHours.Enabled) detectors.Add(new OffHoursDetector(o.OffHours));
        if (o.Returning.Enabled) detectors.Add(new ReturningDetector(o.Returning));
        _detectors = [.. detectors];
        _approvalDetectors = [.. detectors.OfType<IApprovalDetector>()];
        _correlator = new Correlator(o.Correlation, publish);
    }

    /// <summary>The world events are resolved against; see <see cref="ChangeWorld"/>.</summary>
    public WorldIndex World { get; private set; }

    /// <summary>The event time the engine has reached: events earlier than it are refused.</summary>
    public DateTimeOffset Now => _now;

    public IReadOnlyList<string> Detectors => [.. _detectors.Select(d => d.Name)];

    public long EventsObserved { get; private set; }

    /// <summary>Findings each detector has raised so far (before correlation).</summary>
    public IReadOnlyDictionary<string, long> FindingsByDetector => _findingsByDetector;

    /// <summary>
    /// Entries held across detectors and the correlator: the measure of bounded memory. It
    /// follows the number of active readers and open alerts, not the number of events seen.
    /// </summary>
    public int StateSize => _detectors.Sum(d => d.StateSize) + _correlator.StateSize + _habits.StateSize;

    public void Observe(AccessEvent access)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (access.Time < _now)
        {
            throw new ArgumentException($"event '{access.Id}' at {access.Time:O} is earlier than the last one at {_now:O}: events must come in time order", nameof(access));
        }
        Advance(access.Time);
        EventsObserved++;
        var observation = new Observation(access, World, _options.ClosedCaseGrace, _habits);
        foreach (var detector in _detectors)
        {
            detector.Observe(observation, _findings);
        }
        _habits.Learn(observation);
        Correlate();
    }

    public void Observe(Approval approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        Advance(approval.Time > _now ? approval.Time : _now);
        foreach (var detector in _approvalDetectors)
        {
            detector.Observe(approval, _findings);
        }
        Correlate();
    }

    /// <summary>
    /// Moves event time forward with no event (a live server calls it on a timer), dropping idle
    /// state and closing alerts whose correlation window has passed.
    /// </summary>
    public void Advance(DateTimeOffset now)
    {
        if (now < _now)
        {
            return;
        }
        _now = now;
        if (now - _lastSweep < _options.SweepInterval)
        {
            return;
        }
        _lastSweep = now;
        foreach (var detector in _detectors)
        {
            detector.Evict(now);
        }
        _correlator.AdvanceTo(now);
    }

    /// <summary>
    /// Resolves the events that follow against another world (a SCIM sync, a new case, a new
    /// world activated through the ledger), keeping every detector's windowed state and every
    /// open alert: a world change must not give a campaign in progress a fresh start. Detectors
    /// hold no world of their own; each event carries the one it was resolved against.
    /// </summary>
    public void ChangeWorld(WorldIndex world)
    {
        ArgumentNullException.ThrowIfNull(world);
        World = world;
    }

    /// <summary>Closes every open alert: the end of a replay.</summary>
    public void Flush() => _correlator.Flush();

    private void Correlate()
    {
        if (_findings.Count == 0)
        {
            return;
        }
        foreach (var finding in _findings)
        {
            _findingsByDetector[finding.Detector] = _findingsByDetector.GetValueOrDefault(finding.Detector) + 1;
            _correlator.Add(finding);
        }
        _findings.Clear();
    }
}
