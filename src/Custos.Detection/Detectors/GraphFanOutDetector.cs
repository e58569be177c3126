using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="GraphFanOutDetector"/>.</summary>
public sealed record GraphFanOutOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>How long after reading a protected subject a read of its contacts counts.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Hops over <c>relationships</c> that count: 1 (contacts) or 2 (contacts of contacts).</summary>
    public int MaxHops { get; init; } = 2;

    /// <summary>Distinct related subjects, read with no open case naming them, that raise a finding.</summary>
    public int Threshold { get; init; } = 2;

    /// <summary>Protected subjects remembered per reader as starting points.</summary>
    public int MaxAnchors { get; init; } = 32;
}

/// <summary>
/// A reader who reads a protected subject and then people connected to them: the "people
/// connected to" the journalists of the design's section 1. The protected subject (the anchor)
/// may have been read under a case; the contacts that follow are counted only when no case of
/// the reader names them, so a trust-and-safety case that lists a victim and the accounts
/// harassing them stays quiet.
/// </summary>
public sealed class GraphFanOutDetector(WorldIndex world, GraphFanOutOptions options) : IDetector
{
    public const string DetectorName = "graph-fan-out";

    private readonly ReaderTable<State> _readers = new(_ => new State(options));

    public string Name => DetectorName;

    public int StateSize => _readers.Count + _readers.States.Sum(s => s.Anchors.Count + s.Related.Count);

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var o = observation;
        ArgumentNullException.ThrowIfNull(findings);
        var listedProtected = world.Subject(o.SubjectId)?.Protected.Count > 0;
        // Only readers who have read a protected subject hold state here.
        var state = listedProtected ? _readers.Touch(o.ReaderId, o.Time) : _readers.Find(o.ReaderId);
        if (listedProtected)
        {
            state!.Anchor(o.SubjectId, o.Id, o.Time);
        }
        if (state is null || o.Explained)
        {
            return;
        }
        state.ExpireAnchors(o.Time - options.Window);
        string? anchor = null;
        var hops = int.MaxValue;
        foreach (var (candidate, _) in state.Anchors)
        {
            if (candidate != o.SubjectId && world.Distance(candidate, o.SubjectId, options.MaxHops) is { } d && d < hops)
            {
                (anchor, hops) = (candidate, d);
            }
        }
        if (anchor is null)
        {
            return;
        }
        _readers.Touch(o.ReaderId, o.Time);
        state.Related.Add(new Sighting(o.Time, o.Id, o.SubjectId, hops));
        var relation = hops == 1 ? "a contact" : "a contact of a contact";
        if (o.Time < state.FiredUntil)
        {
            findings.Add(new Finding
            {
                Detector = Name,
                Severity = Severity.High,
                RaisedAt = o.Time,
                Readers = [o.ReaderId],
                Subjects = [o.SubjectId],
                Evidence = [o.Id],
                Reason = $"{o.ReaderId} went on to read {o.SubjectId}, {relation} of protected subject {anchor}, with no open case naming them.",
            });
            state.FiredUntil = o.Time + options.Window;
            return;
        }
        var related = state.Related.Subjects();
        if (related.Length < options.Threshold)
        {
            return;
        }
        // The protected subjects these reads lead back to (the reader may hold others).
        var anchors = state.Anchors
            .Where(a => related.Any(r => world.Distance(a.Key, r, options.MaxHops) is not null))
            .ToList();
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = Severity.High,
            RaisedAt = o.Time,
            Readers = [o.ReaderId],
            Subjects = [.. anchors.Select(a => a.Key), .. related],
            Evidence = [.. anchors.Select(a => a.Value.EventId), .. state.Related.EventIds()],
            Reason = $"{o.ReaderId} read protected subject {Text.List([.. anchors.Select(a => a.Key)])} and then {related.Length} of their contacts or contacts' contacts ({Text.List(related)}) with no open case naming them.",
        });
        state.FiredUntil = o.Time + options.Window;
    }

    public void Evict(DateTimeOffset now) => _readers.EvictIdleSince(now - options.Window);

    private sealed class State(GraphFanOutOptions options)
    {
        public Dictionary<string, (DateTimeOffset Time, string EventId)> Anchors { get; } = new(StringComparer.Ordinal);

        public SightingWindow Related { get; } = new(options.Window, 256);

        public DateTimeOffset FiredUntil { get; set; } = DateTimeOffset.MinValue;

        public void Anchor(string subject, string eventId, DateTimeOffset time)
        {
            Anchors[subject] = (time, eventId);
            if (Anchors.Count > options.MaxAnchors)
            {
                Anchors.Remove(Anchors.MinBy(a => a.Value.Time).Key);
            }
        }

        public void ExpireAnchors(DateTimeOffset cutoff)
        {
            foreach (var (subject, anchor) in Anchors)
            {
                if (anchor.Time < cutoff)
                {
                    Anchors.Remove(subject);
                }
            }
        }
    }
}
