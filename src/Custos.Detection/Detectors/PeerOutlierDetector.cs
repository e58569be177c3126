using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="PeerOutlierDetector"/>.</summary>
public sealed record PeerOutlierOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Event time, from the first event seen, during which the detector only learns.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Completed reader-days a peer group needs before it is a yardstick.</summary>
    public int MinGroupReaderDays { get; init; } = 30;

    /// <summary>A day's distinct subjects (breadth) or events (volume) above the group's mean plus this many standard deviations is an outlier…</summary>
    public double Deviations { get; init; } = 4;

    /// <summary>…and also at least this many times the group's mean…</summary>
    public double MinRatio { get; init; } = 3;

    /// <summary>…and at least this many distinct subjects (or events).</summary>
    public int MinCount { get; init; } = 25;

    /// <summary>A category read on less than this share of the group's reader-days is rare for it.</summary>
    public double RareShare { get; init; } = 0.01;

    /// <summary>Distinct subjects read in a rare category on one day that raise a finding.</summary>
    public int RareMinSubjects { get; init; } = 2;

    /// <summary>A rare category of at least this tier is medium severity even when every read of it was under a case.</summary>
    public int RareSensitiveTier { get; init; } = 3;

    /// <summary>When at least this share of the day's reads are explained by cases, the finding is low severity.</summary>
    public double ExplainedShare { get; init; } = 0.9;
}

/// <summary>
/// A reader's day against their peer group (department and roles), learned from history:
/// breadth (distinct subjects), volume (events), and rarity (categories the group hardly ever
/// reads). Group statistics hold completed reader-days only, so today's outlier does not
/// raise its own yardstick.
/// </summary>
public sealed class PeerOutlierDetector(PeerOutlierOptions options) : IDetector
{
    public const string DetectorName = DetectorNames.PeerOutlier;

    private const int MaxSubjectsTracked = 4096;
    private const int MaxEvidence = 200;

    private readonly Dictionary<string, GroupStats> _groups = new(StringComparer.Ordinal);
    private readonly ReaderTable<ReaderDay> _readers = new(_ => new ReaderDay());
    private DateTimeOffset? _start;

    public string Name => DetectorName;

    public int StateSize => _groups.Count + _groups.Values.Sum(g => g.CategoryDays.Count)
        + _readers.Count + _readers.States.Sum(r => r.Subjects.Count + r.Evidence.Count + r.CategorySubjects.Values.Sum(s => s.Subjects.Count + s.Events.Count));

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var o = observation;
        ArgumentNullException.ThrowIfNull(findings);
        _start ??= o.Time;
        var day = DateOnly.FromDateTime(o.Time.UtcDateTime);
        var reader = _readers.Touch(o.ReaderId, o.Time);
        if (reader.Day != day)
        {
            Fold(reader);
            reader.Reset(day, o.PeerGroup);
        }
        reader.Events++;
        if (o.Explained)
        {
            reader.Explained++;
        }
        if (reader.Subjects.Count < MaxSubjectsTracked)
        {
            reader.Subjects.Add(o.SubjectId);
        }
        reader.Evidence.Enqueue(o.Id);
        if (reader.Evidence.Count > MaxEvidence)
        {
            reader.Evidence.Dequeue();
        }
        // Refused categories were not read; only what was read says what the reader does.
        // (Indexed, not foreach: an enumerator through the interface is an allocation per event.)
        var read = o.Allowed ? o.Event.Categories : [];
        for (var i = 0; i < read.Count; i++)
        {
            var category = read[i];
            if (!reader.CategorySubjects.TryGetValue(category, out var subjects))
            {
                reader.CategorySubjects[category] = subjects = new CategoryDay();
            }
            if (subjects.Subjects.Count < MaxSubjectsTracked)
            {
                subjects.Subjects.Add(o.SubjectId);
            }
            if (subjects.Events.Count < MaxEvidence)
            {
                subjects.Events.Add(o.Id);
            }
        }

        if (o.Time - _start < options.Warmup || !_groups.TryGetValue(reader.Group, out var group) || group.Days < options.MinGroupReaderDays)
        {
            return;
        }
        var severity = (double)reader.Explained / reader.Events >= options.ExplainedShare ? Severity.Low : Severity.Medium;

        if (!reader.FiredVolume)
        {
            var breadth = reader.Subjects.Count;
            var breadthLimit = Limit(group.Breadth);
            var volumeLimit = Limit(group.Volume);
            string? what = breadth > breadthLimit ? $"{breadth} distinct subjects in a day, where peers in {reader.Group} read {group.Breadth.Mean:0.#} on average (limit {breadthLimit:0})"
                : reader.Events > volumeLimit ? $"{reader.Events} reads in a day, where peers in {reader.Group} make {group.Volume.Mean:0.#} on average (limit {volumeLimit:0})"
                : null;
            if (what is not null)
            {
                reader.FiredVolume = true;
                var subjects = reader.Subjects.Take(50).ToArray();
                findings.Add(new Finding
                {
                    Detector = Name,
                    Severity = breadth > 2 * breadthLimit && severity == Severity.Medium ? Severity.High : severity,
                    RaisedAt = o.Time,
                    Readers = [o.ReaderId],
                    Subjects = subjects,
                    Evidence = [.. reader.Evidence],
                    Reason = $"{o.ReaderId} made {what}.",
                });
            }
        }

        for (var i = 0; i < read.Count; i++)
        {
            var category = read[i];
            var subjects = reader.CategorySubjects[category].Subjects;
            if (subjects.Count < options.RareMinSubjects || reader.FiredRare.Contains(category)
                || group.CategoryShare(category) >= options.RareShare)
            {
                continue;
            }
            reader.FiredRare.Add(category);
            findings.Add(new Finding
            {
                Detector = Name,
                Severity = !o.Explained || o.World.Category(category).Tier >= options.RareSensitiveTier ? Severity.Medium : Severity.Low,
                RaisedAt = o.Time,
                Readers = [o.ReaderId],
                Subjects = [.. subjects.Take(50)],
                Evidence = [.. reader.CategorySubjects[category].Events],
                Reason = $"{o.ReaderId} read {category} of {subjects.Count} subjects in a day, a category their peers in {reader.Group} read on {group.CategoryShare(category):P1} of their days.",
            });
        }
    }

    /// <summary>A reader idle for two days has finished their day: fold it into the group, then forget them.</summary>
    public void Evict(DateTimeOffset now) => _readers.EvictIdleSince(now - TimeSpan.FromDays(2), Fold);

    private void Fold(ReaderDay reader)
    {
        if (reader.Events == 0)
        {
            return;
        }
        if (!_groups.TryGetValue(reader.Group, out var group))
        {
            _groups[reader.Group] = group = new GroupStats();
        }
        // Clipped at the group's limits, once it has some: an outlier day must not raise the
        // yardstick it is measured by.
        var warm = group.Days >= options.MinGroupReaderDays;
        group.Breadth.Add(warm ? Math.Min(reader.Subjects.Count, Limit(group.Breadth)) : reader.Subjects.Count);
        group.Volume.Add(warm ? Math.Min(reader.Events, Limit(group.Volume)) : reader.Events);
        group.Days++;
        foreach (var (category, today) in reader.CategorySubjects)
        {
            if (today.Events.Count == 0)
            {
                continue; // read on an earlier day, kept for reuse
            }
            group.CategoryDays[category] = group.CategoryDays.GetValueOrDefault(category) + 1;
        }
    }

    private sealed class ReaderDay
    {
        public DateOnly Day { get; private set; }

        public string Group { get; private set; } = "";

        public int Events { get; set; }

        public int Explained { get; set; }

        public HashSet<string> Subjects { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, CategoryDay> CategorySubjects { get; } = new(StringComparer.Ordinal);

        public Queue<string> Evidence { get; } = new();

        public bool FiredVolume { get; set; }

        public HashSet<string> FiredRare { get; } = new(StringComparer.Ordinal);

        public void Reset(DateOnly day, string group)
        {
            Day = day;
            Group = group;
            Events = 0;
            Explained = 0;
            Subjects.Clear();
            // Emptied, not dropped: a reader reads the same few categories day after day, and
            // new sets for each every day were most of this detector's allocation.
            foreach (var today in CategorySubjects.Values)
            {
                today.Subjects.Clear();
                today.Events.Clear();
            }
            Evidence.Clear();
            FiredVolume = false;
            FiredRare.Clear();
        }
    }

    /// <summary>One reader's day in one category: whom, and by which events.</summary>
    private sealed class CategoryDay
    {
        public HashSet<string> Subjects { get; } = new(StringComparer.Ordinal);

        public List<string> Events { get; } = [];
    }

    private sealed class GroupStats
    {
        public int Days { get; set; }

        public RunningStats Breadth { get; } = new();

        public RunningStats Volume { get; } = new();

        public Dictionary<string, int> CategoryDays { get; } = new(StringComparer.Ordinal);

        public double CategoryShare(string category) => (double)CategoryDays.GetValueOrDefault(category) / Math.Max(1, Days);
    }

    private double Limit(RunningStats stats) =>
        Math.Max(options.MinCount, Math.Max(stats.Mean + options.Deviations * stats.StandardDeviation, options.MinRatio * stats.Mean));
}
