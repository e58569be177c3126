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

    /// <summary>Protected subjects remembered per reader (and per department) as starting points.</summary>
    public int MaxAnchors { get; init; } = 32;

    /// <summary>
    /// Whether a department is watched as a team: a protected subject read by one member with
    /// no case, then contacts read by others (the section 1 incident was a team's work).
    /// </summary>
    public bool Teams { get; init; } = true;

    /// <summary>
    /// Lowest tier of a team's anchor: a department's starting point is an attempt, with no
    /// case, at a protected subject's sensitive data (an IP address, a location), not any read.
    /// </summary>
    public int TeamAnchorTier { get; init; } = 3;
}

/// <summary>
/// A reader — or a team — who reads a protected subject and then people connected to them:
/// the "people connected to" the journalists of the design's section 1. For one reader the
/// protected subject (the anchor) may have been read under a case; for a department it counts
/// only when no case explains it and it sought sensitive data (tier 3 or more), since large
/// departments read protected subjects every day and slip now and then. The contacts that follow count only when no case of their reader names them, so
/// a trust-and-safety case that lists a victim and the accounts harassing them stays quiet.
/// </summary>
public sealed class GraphFanOutDetector(GraphFanOutOptions options) : IDetector
{
    public const string DetectorName = DetectorNames.GraphFanOut;

    private readonly ReaderTable<Pool> _readers = new(_ => new Pool(options));
    private readonly ReaderTable<Pool> _teams = new(_ => new Pool(options));

    public string Name => DetectorName;

    public int StateSize => _readers.Count + _teams.Count + _readers.States.Concat(_teams.States).Sum(s => s.Anchors.Count + s.Related.Count);

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(findings);
        var o = observation;
        var listedProtected = o.World.Subject(o.SubjectId)?.Protected.Count > 0;
        Observe(o, _readers, o.ReaderId, anchors: listedProtected, team: false, findings);
        if (options.Teams && o.Reader is { } reader)
        {
            Observe(o, _teams, reader.Department, anchors: listedProtected && !o.Explained && o.MaxTier >= options.TeamAnchorTier, team: true, findings);
        }
    }

    private void Observe(Observation o, ReaderTable<Pool> pools, string key, bool anchors, bool team, ICollection<Finding> findings)
    {
        // Only readers and departments that have read a protected subject hold state here.
        var pool = anchors ? pools.Touch(key, o.Time) : pools.Find(key);
        if (pool is null)
        {
            return;
        }
        if (anchors)
        {
            pool.Anchor(o.SubjectId, o.Id, o.ReaderId, o.Time, suspect: !o.Explained || o.SelfMadeOutsidePeers());
        }
        // A contact under a case the reader made themselves still counts when the protected
        // person it leads back to was read suspiciously too: one broad case of one's own, naming
        // journalists and their contacts alike, is not an investigation someone asked for.
        var selfMadeOnly = o.Explained;
        if (o.Explained && !o.SelfMadeCover)
        {
            return;
        }
        pool.ExpireAnchors(o.Time - options.Window);
        string? anchor = null;
        var hops = int.MaxValue;
        foreach (var (candidate, held) in pool.Anchors)
        {
            if (selfMadeOnly && !held.Suspect)
            {
                continue;
            }
            if (candidate != o.SubjectId && o.World.Distance(candidate, o.SubjectId, options.MaxHops) is { } d && d < hops)
            {
                (anchor, hops) = (candidate, d);
            }
        }
        if (anchor is null)
        {
            return;
        }
        pools.Touch(key, o.Time);
        pool.Related.Add(new Sighting(o.Time, o.Id, o.SubjectId, hops, o.ReaderId));
        var relation = hops == 1 ? "a contact" : "a contact of a contact";
        if (o.Time < pool.FiredUntil)
        {
            // A colleague's later read joins the team's alert; alone it does not raise one.
            findings.Add(Finding.OfEvent(Name, o, team ? Severity.Low : Severity.High, $"{o.ReaderId} went on to read {o.SubjectId}, {relation} of protected subject {anchor}, {o.CaseClause()}."));
            pool.FiredUntil = o.Time + options.Window;
            return;
        }
        var related = pool.Related.Subjects();
        if (related.Length < options.Threshold)
        {
            return;
        }
        // The protected subjects these reads lead back to (the pool may hold others).
        var linked = pool.Anchors
            .Where(a => related.Any(r => o.World.Distance(a.Key, r, options.MaxHops) is not null))
            .ToList();
        var readers = linked.Select(a => a.Value.Reader).Concat(pool.Related.Items.Select(s => s.Reader!)).Distinct(StringComparer.Ordinal).ToArray();
        if (team && readers.Length < 2)
        {
            return; // one reader alone is their own pool's finding
        }
        var who = readers.Length == 1 ? readers[0] : $"{Text.List(readers)}, of department {key}";
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = Severity.High,
            RaisedAt = o.Time,
            Readers = readers,
            Subjects = [.. linked.Select(a => a.Key), .. related],
            Evidence = [.. linked.Select(a => a.Value.EventId), .. pool.Related.EventIds()],
            Reason = $"{who} read protected subject {Text.List([.. linked.Select(a => a.Key)])} and then {related.Length} of their contacts or contacts' contacts ({Text.List(related)}) {o.CasesClause()}.",
        });
        pool.FiredUntil = o.Time + options.Window;
    }

    public void Evict(DateTimeOffset now)
    {
        _readers.EvictIdleSince(now - options.Window);
        _teams.EvictIdleSince(now - options.Window);
    }

    /// <summary>The anchors and related reads of one reader or one department.</summary>
    private sealed class Pool(GraphFanOutOptions options)
    {
        public Dictionary<string, (DateTimeOffset Time, string EventId, string Reader, bool Suspect)> Anchors { get; } = new(StringComparer.Ordinal);

        public SightingWindow Related { get; } = new(options.Window, 256);

        public DateTimeOffset FiredUntil { get; set; } = DateTimeOffset.MinValue;

        public void Anchor(string subject, string eventId, string reader, DateTimeOffset time, bool suspect)
        {
            // A suspicious read of an anchor stays suspicious when the same person is read again under a case.
            Anchors[subject] = (time, eventId, reader, suspect || (Anchors.TryGetValue(subject, out var held) && held.Suspect));
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
