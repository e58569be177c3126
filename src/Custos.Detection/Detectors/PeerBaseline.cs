namespace Custos.Detection.Detectors;

/// <summary>
/// A peer group's habit, learned per reader-day: how many distinct subjects a member of the
/// group (department and roles) typically touches in a day in some way (outside a case,
/// refused, …). A day joins its group's running mean and variance once it is over, clipped at
/// the limit in force, so that a day of misuse cannot raise the yardstick it is measured by.
/// Days with none count as zero. State: one counter set per active reader, one running
/// statistic per group.
/// </summary>
/// <param name="minGroupReaderDays">Finished reader-days a group needs before its habit counts.</param>
/// <param name="deviations">Standard deviations above the mean that a limit sits.</param>
/// <param name="dayFloor">The lowest limit for one day, and the clip of the day's own threshold.</param>
/// <param name="tail">Chance, per reader and window, that an ordinary member of the group reaches the limit if counts were Poisson.</param>
internal sealed class PeerBaseline(int minGroupReaderDays, double deviations, double dayFloor, double tail)
{
    private const int MaxSubjectsPerDay = 1024;

    private readonly Dictionary<string, RunningStats> _groups = new(StringComparer.Ordinal);
    private readonly ReaderTable<ReaderDay> _days = new(_ => new ReaderDay());

    public int StateSize => _groups.Count + _days.Count + _days.States.Sum(d => d.Subjects.Count);

    /// <summary>Every event of a reader passes here, so that quiet days count as zero.</summary>
    public void Touch(Observation o)
    {
        var day = _days.Touch(o.ReaderId, o.Time);
        var date = DateOnly.FromDateTime(o.Time.UtcDateTime);
        if (day.Date != date)
        {
            Fold(day);
            day.Date = date;
            day.Group = o.PeerGroup;
        }
    }

    /// <summary>Counts the observation's subject towards the reader's day (call after <see cref="Touch"/>).</summary>
    public void Count(Observation o)
    {
        if (_days.Find(o.ReaderId) is { } day && day.Subjects.Count < MaxSubjectsPerDay)
        {
            day.Subjects.Add(o.SubjectId);
        }
    }

    /// <summary>
    /// The threshold for a window of <paramref name="days"/> days: the group's mean over that
    /// many days plus the deviations (scaled by the square root of the days), and at least
    /// the Poisson bound of that mean at the tail probability; never below
    /// <paramref name="floor"/>, and just the floor until the group has enough history.
    /// </summary>
    public double Limit(string group, double floor, double days = 1)
    {
        if (!_groups.TryGetValue(group, out var stats) || stats.Count < minGroupReaderDays)
        {
            return floor;
        }
        var window = Math.Max(1, days);
        var spread = Math.Ceiling(window * stats.Mean + deviations * Math.Sqrt(window) * stats.StandardDeviation);
        return Math.Max(floor, Math.Max(spread, Poisson.Threshold(window * stats.Mean, tail)));
    }

    /// <summary>Readers idle two days have finished their day: fold it, then forget them.</summary>
    public void Evict(DateTimeOffset now) => _days.EvictIdleSince(now - TimeSpan.FromDays(2), Fold);

    private void Fold(ReaderDay day)
    {
        if (day.Group.Length == 0)
        {
            return;
        }
        var count = Math.Min(day.Subjects.Count, Limit(day.Group, dayFloor));
        if (!_groups.TryGetValue(day.Group, out var stats))
        {
            _groups[day.Group] = stats = new RunningStats();
        }
        stats.Add(count);
        day.Subjects.Clear();
        day.Group = "";
    }

    private sealed class ReaderDay
    {
        public DateOnly Date { get; set; }

        public string Group { get; set; } = "";

        public HashSet<string> Subjects { get; } = new(StringComparer.Ordinal);
    }
}
