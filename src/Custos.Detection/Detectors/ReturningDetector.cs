using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="ReturningDetector"/>.</summary>
public sealed record ReturningOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>How far back the days a reader read a subject on add up.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(45);

    /// <summary>Distinct days (UTC) on which one reader read one subject that can raise a finding.</summary>
    public int MinDays { get; init; } = 3;

    /// <summary>
    /// …when the reader, were they like their peers, would have so many days with any one of
    /// the people they read in the window with at most this expectation: the share of the peer
    /// group's (reader, subject) pairs that reach as many days, times the reader's pairs. A peer
    /// group that routinely returns to its subjects (investigations over weeks) is not alarming
    /// for doing so, and a reader who reads thousands of people meets a few twice by chance.
    /// </summary>
    public double TailProbability { get; init; } = 0.01;

    /// <summary>Pairs a peer group needs before its habit counts; until then nothing raises.</summary>
    public int MinGroupPairs { get; init; } = 100;

    /// <summary>Subjects remembered per reader (a bound on state, far above a working month).</summary>
    public int MaxSubjectsPerReader { get; init; } = 4096;
}

/// <summary>
/// One reader returning to one person day after day: the same ordinary subject read on several
/// distinct days, when the reader's peers seldom return like that — stalking, which no
/// breadth-based detector sees. Reads a case explains from someone else's request (a ticket, a
/// queue, a colleague's case) do not count; reads under a case the reader made themselves do,
/// since a case one opens before each look is a claim, not an alibi. The peer habit (how many
/// pairs reach each number of days) is learned from the same kind of reads: a slip now and
/// then outside a ticket, or, where everyone makes their own cases, all of them.
/// </summary>
public sealed class ReturningDetector(ReturningOptions options) : IDetector
{
    public const string DetectorName = DetectorNames.Returning;

    private const int MaxTrackedDays = 16;
    private const int MaxEvidencePerPair = 32;

    private readonly ReaderTable<Reader> _readers = new(_ => new Reader());
    private readonly Dictionary<string, long[]> _groups = new(StringComparer.Ordinal);

    public string Name => DetectorName;

    public int StateSize => _readers.Count + _readers.States.Sum(r => r.Pairs.Count) + _groups.Count;

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(findings);
        var o = observation;
        if (o.Covered && !o.SelfMadeCover)
        {
            return; // someone else asked for this read: it neither counts nor teaches the habit
        }
        var reader = _readers.Touch(o.ReaderId, o.Time);
        var day = DateOnly.FromDateTime(o.Time.UtcDateTime);
        if (day != reader.Day)
        {
            reader.Day = day;
            reader.Forget(day.AddDays(-(int)Math.Ceiling(options.Window.TotalDays)));
        }
        if (!reader.Pairs.TryGetValue(o.SubjectId, out var pair))
        {
            if (reader.Pairs.Count >= options.MaxSubjectsPerReader)
            {
                return;
            }
            reader.Pairs[o.SubjectId] = pair = new Pair();
        }
        if (pair.Events.Count < MaxEvidencePerPair)
        {
            pair.Events.Add(o.Id);
        }
        if (pair.Fired)
        {
            // A follow-up adds evidence; it never raises on its own.
            findings.Add(Finding.OfEvent(Name, o, Severity.Low, $"{o.ReaderId} returned to {o.SubjectId} again, {o.CaseClause()}."));
            return;
        }
        if (pair.LastDay == day)
        {
            return;
        }
        pair.LastDay = day;
        pair.Days.Add(day);
        var days = pair.Days.Count;
        var counts = Reached(o.PeerGroup);
        // The share of the group's other pairs that ever got this far; then this one joins them.
        var share = counts[0] == 0 ? 1 : (double)counts[Math.Min(days, MaxTrackedDays) - 1] / counts[0];
        var rare = counts[0] >= options.MinGroupPairs && share * reader.Pairs.Count < options.TailProbability;
        counts[Math.Min(days, MaxTrackedDays) - 1]++;
        if (days < options.MinDays || !rare || o.IsProtected)
        {
            // Protected subjects have their own detectors; this one is about ordinary people.
            return;
        }
        pair.Fired = true;
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = days > options.MinDays || !o.Covered ? Severity.High : Severity.Medium,
            RaisedAt = o.Time,
            Readers = [o.ReaderId],
            Subjects = [o.SubjectId],
            Evidence = [.. pair.Events],
            Reason = $"{o.ReaderId} read {o.SubjectId} on {days} different days ({string.Join(", ", pair.Days.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))}), "
                + $"a return their peers make to {share:P2} of the people they read; the last read {o.CaseClause()}.",
        });
    }

    private long[] Reached(string group)
    {
        if (!_groups.TryGetValue(group, out var reached))
        {
            _groups[group] = reached = new long[MaxTrackedDays];
        }
        return reached;
    }

    public void Evict(DateTimeOffset now) => _readers.EvictIdleSince(now - options.Window);

    private sealed class Reader
    {
        public DateOnly Day { get; set; }

        public Dictionary<string, Pair> Pairs { get; } = new(StringComparer.Ordinal);

        /// <summary>Drops subjects not read since <paramref name="cutoff"/>: once a day per reader, so the cost follows the reader's own volume.</summary>
        public void Forget(DateOnly cutoff)
        {
            foreach (var (subject, pair) in Pairs)
            {
                if (pair.LastDay < cutoff)
                {
                    Pairs.Remove(subject);
                }
                else
                {
                    pair.Days.RemoveAll(d => d < cutoff);
                }
            }
        }
    }

    private sealed class Pair
    {
        public DateOnly LastDay { get; set; }

        public List<DateOnly> Days { get; } = [];

        public List<string> Events { get; } = [];

        public bool Fired { get; set; }
    }
}
