namespace Custos.Detection;

/// <summary>Thresholds of <see cref="PeerHabits"/>: when a peer group's habit makes a case's provenance, or a protected class, unusual.</summary>
public sealed record CaseProvenanceOptions
{
    /// <summary>
    /// A case its reader made themselves counts as no explanation for the generic detectors when
    /// fewer than this share of the reader's peer group's case-covered reads are under such
    /// cases: where peers work from tickets and queues, a hand-made case is the odd one out.
    /// </summary>
    public double SelfMadeUnusualShare { get; init; } = 0.1;

    /// <summary>
    /// A protected class is outside a peer group's work when under this share of the reads of
    /// the reader's peers (the group without the reader) touch it.
    /// </summary>
    public double RareClassShare { get; init; } = 0.002;

    /// <summary>Reads a peer group needs before its habits count; until then nothing is unusual.</summary>
    public long MinGroupReads { get; init; } = 2_000;

    /// <summary>A case opened less than this before the read was opened for it ("just in time").</summary>
    public TimeSpan JustInTime { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// What each peer group (department and roles) habitually does, learned from the stream itself:
/// the share of its case-covered reads that are under cases the reader made themselves, and the
/// share of its reads that touch each protected class. A read is compared with its group's habit
/// before it joins it, and a reader with their peers without them, so that someone who reads a
/// class again and again does not make it their group's habit. One counter set per group and
/// per active reader.
/// </summary>
public sealed class PeerHabits(CaseProvenanceOptions options)
{
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);

    public CaseProvenanceOptions Options => options;

    private readonly Dictionary<string, Dictionary<string, long>> _readers = new(StringComparer.Ordinal);

    public int StateSize => _groups.Count + _groups.Values.Sum(g => g.Classes.Count) + _readers.Count + _readers.Values.Sum(r => r.Count);

    /// <summary>Whether the group's case-covered reads are seldom under self-made cases (false until the group has history).</summary>
    public bool SelfMadeIsUnusual(string group) =>
        _groups.TryGetValue(group, out var g) && g.Reads >= options.MinGroupReads && g.Covered > 0
        && (double)g.SelfMade / g.Covered < options.SelfMadeUnusualShare;

    /// <summary>Whether the reader's peers (their group without them) seldom touch <paramref name="class"/>; false until the group has history.</summary>
    public bool IsRare(string group, string reader, string @class)
    {
        if (!_groups.TryGetValue(group, out var g))
        {
            return false;
        }
        var own = _readers.GetValueOrDefault(reader);
        var reads = g.Reads - (own?.GetValueOrDefault(AllReads) ?? 0);
        var touched = g.Classes.GetValueOrDefault(@class) - (own?.GetValueOrDefault(@class) ?? 0);
        return reads >= options.MinGroupReads && (double)touched / reads < options.RareClassShare;
    }

    private const string AllReads = "";

    /// <summary>Adds an observation to its group's habit (after detectors have compared it).</summary>
    public void Learn(Observation o)
    {
        if (!_groups.TryGetValue(o.PeerGroup, out var g))
        {
            _groups[o.PeerGroup] = g = new Group();
        }
        g.Reads++;
        if (o.Covered)
        {
            g.Covered++;
            if (o.SelfMadeCover)
            {
                g.SelfMade++;
            }
        }
        if (!_readers.TryGetValue(o.ReaderId, out var own))
        {
            _readers[o.ReaderId] = own = new Dictionary<string, long>(StringComparer.Ordinal);
        }
        own[AllReads] = own.GetValueOrDefault(AllReads) + 1;
        foreach (var @class in o.ProtectedClasses)
        {
            g.Classes[@class] = g.Classes.GetValueOrDefault(@class) + 1;
            own[@class] = own.GetValueOrDefault(@class) + 1;
        }
    }

    private sealed class Group
    {
        public long Reads { get; set; }

        public long Covered { get; set; }

        public long SelfMade { get; set; }

        public Dictionary<string, long> Classes { get; } = new(StringComparer.Ordinal);
    }
}
