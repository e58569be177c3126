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
    /// A protected class is outside a peer group's work when fewer than this share of the
    /// reader's peers (the group without the reader) have ever read someone of it under a case.
    /// Counting people rather than reads keeps one reader — or two colluding — who read the
    /// class day after day from making it their group's habit.
    /// </summary>
    public double RareClassShare { get; init; } = 0.25;

    /// <summary>Finished reader-days a peer group needs before its habits count; until then nothing is unusual.</summary>
    public long MinGroupReaderDays { get; init; } = 20;

    /// <summary>Peers (besides the reader) a group needs before a class can be rare for it.</summary>
    public int MinPeers { get; init; } = 4;

    /// <summary>A case opened less than this before the read was opened for it ("just in time").</summary>
    public TimeSpan JustInTime { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// What each peer group (department and roles) habitually does, learned from the stream itself:
/// the share of its case-covered reads that are under cases the reader made themselves, and which
/// of its members have ever read someone of each protected class under a case. A read is compared
/// with its group's habit before it joins it (a day joins once it is over), and a reader with
/// their peers without them. Memory: per group, its members and, per class, who touched it.
/// </summary>
public sealed class PeerHabits(CaseProvenanceOptions options)
{
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reader> _readers = new(StringComparer.Ordinal);

    public CaseProvenanceOptions Options => options;

    public int StateSize => _groups.Count + _groups.Values.Sum(g => g.Readers.Count + g.Touchers.Values.Sum(t => t.Count)) + _readers.Count + _readers.Values.Sum(r => r.Today.Count);

    /// <summary>Whether the group's case-covered reads are seldom under self-made cases (false until the group has history).</summary>
    public bool SelfMadeIsUnusual(string group) =>
        _groups.TryGetValue(group, out var g) && g.ReaderDays >= options.MinGroupReaderDays && g.Covered > 0
        && (double)g.SelfMade / g.Covered < options.SelfMadeUnusualShare;

    /// <summary>
    /// Whether few of the reader's peers (their group without them) have read anyone of
    /// <paramref name="class"/> under a case; false until the group has history.
    /// </summary>
    public bool IsRare(string group, string reader, string @class)
    {
        if (!_groups.TryGetValue(group, out var g) || g.ReaderDays < options.MinGroupReaderDays)
        {
            return false;
        }
        var peers = g.Readers.Count - (g.Readers.Contains(reader) ? 1 : 0);
        var touchers = g.Touchers.GetValueOrDefault(@class);
        var touched = touchers is null ? 0 : touchers.Count - (touchers.Contains(reader) ? 1 : 0);
        return peers >= options.MinPeers && (double)touched / peers < options.RareClassShare;
    }

    /// <summary>Adds an observation to its group's habit (after detectors have compared it).</summary>
    public void Learn(Observation o)
    {
        if (!_groups.TryGetValue(o.PeerGroup, out var g))
        {
            _groups[o.PeerGroup] = g = new Group();
        }
        if (o.Covered)
        {
            g.Covered++;
            if (o.SelfMadeCover)
            {
                g.SelfMade++;
            }
        }
        if (!_readers.TryGetValue(o.ReaderId, out var reader))
        {
            _readers[o.ReaderId] = reader = new Reader();
        }
        var day = DateOnly.FromDateTime(o.Time.UtcDateTime);
        if (day != reader.Day)
        {
            // A reader's day joins their group's habit once it is over.
            if (reader.Group is { } past && _groups.TryGetValue(past, out var pastGroup))
            {
                pastGroup.ReaderDays++;
                pastGroup.Readers.Add(o.ReaderId);
                foreach (var @class in reader.Today)
                {
                    if (!pastGroup.Touchers.TryGetValue(@class, out var touchers))
                    {
                        pastGroup.Touchers[@class] = touchers = new HashSet<string>(StringComparer.Ordinal);
                    }
                    touchers.Add(o.ReaderId);
                }
            }
            reader.Today.Clear();
            reader.Day = day;
            reader.Group = o.PeerGroup;
        }
        // Only reads a case covers say what a group's work reaches: a protected person read with
        // no case is an alert of its own, not a habit for the next reader to hide in.
        if (o.Covered)
        {
            foreach (var @class in o.ProtectedClasses)
            {
                reader.Today.Add(@class);
            }
        }
    }

    private sealed class Group
    {
        public long ReaderDays { get; set; }

        public long Covered { get; set; }

        public long SelfMade { get; set; }

        /// <summary>Members seen with a finished day.</summary>
        public HashSet<string> Readers { get; } = new(StringComparer.Ordinal);

        /// <summary>Per protected class, the members who have read someone of it under a case.</summary>
        public Dictionary<string, HashSet<string>> Touchers { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Reader
    {
        public DateOnly Day { get; set; }

        public string? Group { get; set; }

        /// <summary>Classes read today under a case.</summary>
        public HashSet<string> Today { get; } = new(StringComparer.Ordinal);
    }
}
