using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="OffHoursDetector"/>.</summary>
public sealed record OffHoursOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Events of a reader before their pattern is trusted.</summary>
    public int WarmupEvents { get; init; } = 80;

    /// <summary>Distinct days of a reader's activity before their pattern is trusted.</summary>
    public int WarmupDays { get; init; } = 10;

    /// <summary>
    /// An hour (UTC, with its two neighbours) holding less than this share of the reader's past
    /// events is off-hours for them. UTC is enough: the pattern is each reader's own.
    /// </summary>
    public double UnusualShare { get; init; } = 0.01;

    public TimeSpan Window { get; init; } = TimeSpan.FromDays(3);

    /// <summary>
    /// Score within the window that raises a finding: each distinct subject read off-hours
    /// scores 1 when no case explains it and <see cref="ExplainedWeight"/> when one does.
    /// </summary>
    public double Threshold { get; init; } = 4;

    public double ExplainedWeight { get; init; } = 0.1;

    /// <summary>
    /// Distinct subjects read off-hours with no case naming them that make the finding medium
    /// severity; below it (overtime on one's own cases) the finding is low and waits for
    /// corroboration.
    /// </summary>
    public int MinUnexplained { get; init; } = 3;

    /// <summary>
    /// …and at least as many as would come by chance with this probability, given the reader's
    /// own share of reads outside a case (Poisson): a reader who often works outside cases
    /// needs more of them at night before it means anything.
    /// </summary>
    public double TailProbability { get; init; } = 1e-3;

    /// <summary>Readers idle this long are forgotten and warm up again.</summary>
    public TimeSpan ProfileIdle { get; init; } = TimeSpan.FromDays(60);
}

/// <summary>
/// Reads at hours the reader does not normally work, measured against their own history rather
/// than a company timetable, so night shifts and on-call engineers are normal for themselves.
/// </summary>
public sealed class OffHoursDetector(OffHoursOptions options) : IDetector
{
    public const string DetectorName = DetectorNames.OffHours;

    private readonly ReaderTable<Profile> _readers = new(_ => new Profile(options));

    public string Name => DetectorName;

    public int StateSize => _readers.Count + _readers.States.Sum(s => 48 + s.Window.Count);

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var o = observation;
        ArgumentNullException.ThrowIfNull(findings);
        var profile = _readers.Touch(o.ReaderId, o.Time);
        var hour = o.Time.UtcDateTime.Hour;
        var unusual = profile.IsWarm && profile.Share(hour) < options.UnusualShare;
        profile.Record(o.Time, o.Explained);
        if (!unusual)
        {
            return;
        }
        profile.Window.Add(new Sighting(o.Time, o.Id, o.SubjectId, o.Explained ? options.ExplainedWeight : 1));
        if (o.Time < profile.FiredUntil)
        {
            // A follow-up adds evidence; it never raises on its own.
            findings.Add(Finding.OfEvent(Name, o, Severity.Low, $"{o.ReaderId} went on reading off-hours ({hour:00}:00 UTC): {o.SubjectId}."));
            profile.FiredUntil = o.Time + options.Window;
            return;
        }
        var score = profile.Window.WeightBySubject();
        if (score < options.Threshold)
        {
            return;
        }
        var subjects = profile.Window.Subjects();
        var unexplained = profile.Window.Items.Where(s => s.Weight >= 1).Select(s => s.Subject).Distinct(StringComparer.Ordinal).Count();
        var expected = subjects.Length * profile.UnexplainedShare;
        var anyUnexplained = unexplained >= Math.Max(options.MinUnexplained, Poisson.Threshold(expected, options.TailProbability));
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = anyUnexplained ? Severity.Medium : Severity.Low,
            RaisedAt = o.Time,
            Readers = [o.ReaderId],
            Subjects = subjects,
            Evidence = profile.Window.EventIds(),
            Reason = $"{o.ReaderId} read {subjects.Length} subjects ({Text.List(subjects)}) around {hour:00}:00 UTC, an hour at which they hold under {options.UnusualShare:P0} of their past activity{(unexplained > 0 ? $", {unexplained} with no open case naming them" : "")}.",
        });
        profile.FiredUntil = o.Time + options.Window;
    }

    public void Evict(DateTimeOffset now) => _readers.EvictIdleSince(now - options.ProfileIdle);

    private sealed class Profile(OffHoursOptions options)
    {
        private readonly int[] _hours = new int[24];
        private readonly int[] _today = new int[24];
        private int _total;
        private long _pastEvents;
        private long _pastUnexplained;
        private int _todayUnexplained;
        private int _days;
        private DateOnly _day;

        public SightingWindow Window { get; } = new(options.Window, 128);

        public DateTimeOffset FiredUntil { get; set; } = DateTimeOffset.MinValue;

        public bool IsWarm => _total >= options.WarmupEvents && _days >= options.WarmupDays;

        /// <summary>Share of past days' events in the hour and its two neighbours.</summary>
        public double Share(int hour) =>
            (double)(_hours[(hour + 23) % 24] + _hours[hour] + _hours[(hour + 1) % 24]) / Math.Max(1, _total);

        /// <summary>
        /// Counts the event towards today; a day joins the pattern only once it is over, so a
        /// night of misuse does not make its own hours look usual while it happens.
        /// </summary>
        /// <summary>Share of past days' reads that no case explained.</summary>
        public double UnexplainedShare => _pastEvents == 0 ? 0 : (double)_pastUnexplained / _pastEvents;

        public void Record(DateTimeOffset time, bool explained)
        {
            var day = DateOnly.FromDateTime(time.UtcDateTime);
            if (day != _day)
            {
                Fold();
                _day = day;
            }
            _today[time.UtcDateTime.Hour]++;
            if (!explained)
            {
                _todayUnexplained++;
            }
        }

        private void Fold()
        {
            var any = false;
            _pastUnexplained += _todayUnexplained;
            _todayUnexplained = 0;
            for (var h = 0; h < 24; h++)
            {
                any |= _today[h] > 0;
                _pastEvents += _today[h];
                _hours[h] += _today[h];
                _total += _today[h];
                _today[h] = 0;
            }
            if (any)
            {
                _days++;
            }
            // Halve the counts now and then so the pattern follows a reader whose shifts change.
            if (_total >= 20_000)
            {
                _total = 0;
                for (var h = 0; h < 24; h++)
                {
                    _hours[h] /= 2;
                    _total += _hours[h];
                }
            }
        }
    }
}
