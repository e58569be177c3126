using Custos.Detection.Detectors;
using Custos.Formats;

namespace Custos.Detection.Correlation;

/// <summary>Settings of the <see cref="Correlator"/>.</summary>
public sealed record CorrelationOptions
{
    /// <summary>Findings about a reader or subject of an open alert within this time of its last finding join it.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Lowest severity that raises an alert on its own. Lower findings wait in the open alert
    /// until another detector corroborates them (see <see cref="CorroboratingDetectors"/>).
    /// </summary>
    public Severity RaiseAt { get; init; } = Severity.Medium;

    /// <summary>Distinct detectors whose low findings together raise the alert.</summary>
    public int CorroboratingDetectors { get; init; } = 2;

    /// <summary>Evidence kept per alert; beyond it the earliest evidence is kept and the rest counted.</summary>
    public int MaxEvidence { get; init; } = 1000;

    public int MaxSubjects { get; init; } = 500;

    /// <summary>
    /// Findings about more subjects than this (a day's volume, say) join alerts by reader only:
    /// linking on every subject of a broad finding would chain unrelated readers together.
    /// </summary>
    public int MaxLinkingSubjects { get; init; } = 10;
}

/// <summary>What happened to an alert.</summary>
public enum AlertChangeKind
{
    /// <summary>First raised: its evidence reached a severity worth a person's time.</summary>
    Raised,

    /// <summary>More evidence joined a raised alert.</summary>
    Updated,

    /// <summary>The correlation window passed with no new finding; the alert is final.</summary>
    Closed,

    /// <summary>
    /// A finding joined this alert to an earlier one, which now holds all its evidence; this
    /// one is withdrawn (the change carries it as it last was).
    /// </summary>
    Merged,
}

/// <summary>What happened to an alert, and the alert as it stands after it.</summary>
/// <param name="Kind">The change.</param>
/// <param name="Alert">The alert after the change (for <see cref="AlertChangeKind.Merged"/>, as it last was).</param>
/// <param name="MergedInto">For <see cref="AlertChangeKind.Merged"/>: the id of the alert that absorbed this one.</param>
public sealed record AlertChange(AlertChangeKind Kind, Alert Alert, string? MergedInto = null);

/// <summary>
/// Merges findings about the same readers or subjects within a window into one case-like alert,
/// so that one campaign is one alert to triage. An alert's <c>raised_at</c> is the time of the
/// event that completed the evidence of the finding that raised it; later findings add their
/// evidence to it (an update) without moving it.
/// </summary>
public sealed class Correlator(CorrelationOptions options, Action<AlertChange> publish)
{
    private readonly List<OpenAlert> _open = [];
    private readonly Dictionary<string, OpenAlert> _byReader = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenAlert> _bySubject = new(StringComparer.Ordinal);
    private long _nextId;

    /// <summary>Alerts open, raised or waiting for corroboration.</summary>
    public int OpenCount => _open.Count;

    public int StateSize => _open.Count + _byReader.Count + _bySubject.Count + _open.Sum(a => a.Evidence.Count);

    public void Add(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var matches = new List<OpenAlert>();
        foreach (var reader in finding.Readers)
        {
            if (_byReader.TryGetValue(reader, out var open) && !matches.Contains(open))
            {
                matches.Add(open);
            }
        }
        var linking = finding.Subjects.Count <= options.MaxLinkingSubjects;
        foreach (var subject in linking ? finding.Subjects : [])
        {
            if (_bySubject.TryGetValue(subject, out var open) && !matches.Contains(open))
            {
                matches.Add(open);
            }
        }

        OpenAlert target;
        if (matches.Count == 0)
        {
            target = new OpenAlert(options);
            _open.Add(target);
        }
        else
        {
            // The alert raised first absorbs the others: it keeps its id and its raised_at.
            matches.Sort((a, b) => (a.RaisedAt ?? DateTimeOffset.MaxValue).CompareTo(b.RaisedAt ?? DateTimeOffset.MaxValue));
            target = matches[0];
            foreach (var other in matches.Skip(1))
            {
                target.Absorb(other);
                _open.Remove(other);
                // Its index entries go with it: subjects past the target's cap would otherwise
                // keep leading findings to an alert that no longer exists.
                Unindex(other);
                if (other.Id is not null)
                {
                    // The absorbed alert was already published: it is now part of the target.
                    publish(new AlertChange(AlertChangeKind.Merged, other.ToAlert(mergedInto: target.Id), target.Id));
                }
            }
        }
        // A join indexes only what it added; a merge, everything the target now holds.
        if (matches.Count > 1)
        {
            target.Add(finding, linking);
            Index(target.Readers, target.LinkSubjects, target);
        }
        else
        {
            var (readers, linkSubjects) = (target.Readers.Count, target.LinkSubjects.Count);
            target.Add(finding, linking);
            Index(target.Readers.Skip(readers), target.LinkSubjects.Skip(linkSubjects), target);
        }

        if (target.Id is null && target.ShouldRaise(options))
        {
            target.Id = $"alr-{++_nextId}";
            target.RaisedAt = finding.RaisedAt;
            publish(new AlertChange(AlertChangeKind.Raised, target.ToAlert()));
        }
        else if (target.Id is not null)
        {
            publish(new AlertChange(AlertChangeKind.Updated, target.ToAlert()));
        }
    }

    /// <summary>Closes alerts whose window has passed at <paramref name="now"/>.</summary>
    public void AdvanceTo(DateTimeOffset now)
    {
        for (var i = _open.Count - 1; i >= 0; i--)
        {
            if (_open[i].LastFinding + options.Window < now)
            {
                Close(_open[i]);
            }
        }
    }

    /// <summary>Closes every open alert (end of a replay).</summary>
    public void Flush()
    {
        foreach (var alert in _open.OrderBy(a => a.RaisedAt ?? DateTimeOffset.MaxValue).ToList())
        {
            Close(alert);
        }
    }

    private void Close(OpenAlert alert)
    {
        _open.Remove(alert);
        Unindex(alert);
        if (alert.Id is not null)
        {
            publish(new AlertChange(AlertChangeKind.Closed, alert.ToAlert()));
        }
    }

    private void Index(IEnumerable<string> readers, IEnumerable<string> linkSubjects, OpenAlert alert)
    {
        foreach (var reader in readers)
        {
            _byReader[reader] = alert;
        }
        foreach (var subject in linkSubjects)
        {
            _bySubject[subject] = alert;
        }
    }

    private void Unindex(OpenAlert alert)
    {
        foreach (var reader in alert.Readers)
        {
            if (_byReader.GetValueOrDefault(reader) == alert)
            {
                _byReader.Remove(reader);
            }
        }
        foreach (var subject in alert.LinkSubjects)
        {
            if (_bySubject.GetValueOrDefault(subject) == alert)
            {
                _bySubject.Remove(subject);
            }
        }
    }

    /// <summary>
    /// An alert being built. Its lists only grow, so the <see cref="Alert"/> published on each
    /// change is a view of their current prefix, not a copy: a join costs what it adds, not what
    /// the alert already holds (docs/detection.md, "Correlation cost").
    /// </summary>
    private sealed class OpenAlert(CorrelationOptions options)
    {
        private readonly HashSet<string> _evidenceSeen = new(StringComparer.Ordinal);
        private readonly HashSet<string> _readersSeen = new(StringComparer.Ordinal);
        private readonly HashSet<string> _subjectsSeen = new(StringComparer.Ordinal);
        private readonly HashSet<string> _linkSubjectsSeen = new(StringComparer.Ordinal);
        private readonly List<Finding> _headlines = [];

        public string? Id { get; set; }

        public DateTimeOffset? RaisedAt { get; set; }

        public DateTimeOffset LastFinding { get; private set; }

        public Severity Severity { get; private set; }

        public List<string> Readers { get; } = [];

        public List<string> Subjects { get; } = [];

        public List<string> Evidence { get; } = [];

        public SortedSet<string> Detectors { get; } = new(StringComparer.Ordinal);

        public int Findings { get; private set; }

        public int EvidenceDropped { get; private set; }

        /// <summary>Subjects through which later findings join this alert.</summary>
        public List<string> LinkSubjects { get; } = [];

        public void Add(Finding finding, bool linking = true)
        {
            if (linking)
            {
                AddAll(LinkSubjects, _linkSubjectsSeen, finding.Subjects, options.MaxSubjects);
            }
            Findings++;
            LastFinding = finding.RaisedAt > LastFinding ? finding.RaisedAt : LastFinding;
            Severity = finding.Severity > Severity ? finding.Severity : Severity;
            if (Detectors.Add(finding.Detector) || _headlines.Count == 0)
            {
                _headlines.Add(finding);
            }
            AddAll(Readers, _readersSeen, finding.Readers, int.MaxValue);
            AddAll(Subjects, _subjectsSeen, finding.Subjects, options.MaxSubjects);
            foreach (var id in finding.Evidence)
            {
                if (_evidenceSeen.Add(id))
                {
                    if (Evidence.Count < options.MaxEvidence)
                    {
                        Evidence.Add(id);
                    }
                    else
                    {
                        EvidenceDropped++;
                    }
                }
            }
        }

        public void Absorb(OpenAlert other)
        {
            Findings += other.Findings - other._headlines.Count;
            foreach (var finding in other._headlines)
            {
                Add(finding with { Evidence = [], Subjects = [], Readers = [] }, linking: false);
            }
            AddAll(Readers, _readersSeen, other.Readers, int.MaxValue);
            AddAll(Subjects, _subjectsSeen, other.Subjects, options.MaxSubjects);
            AddAll(LinkSubjects, _linkSubjectsSeen, other.LinkSubjects, options.MaxSubjects);
            foreach (var id in other.Evidence)
            {
                if (_evidenceSeen.Add(id) && Evidence.Count < options.MaxEvidence)
                {
                    Evidence.Add(id);
                }
            }
            EvidenceDropped += other.EvidenceDropped;
            LastFinding = other.LastFinding > LastFinding ? other.LastFinding : LastFinding;
        }

        public bool ShouldRaise(CorrelationOptions options) =>
            Severity >= options.RaiseAt || Detectors.Count >= options.CorroboratingDetectors;

        public Alert ToAlert(string? mergedInto = null)
        {
            var lead = _headlines.OrderByDescending(f => f.Severity).First();
            string reason;
            if (mergedInto is not null)
            {
                reason = $"Merged into {mergedInto}: {lead.Reason}";
            }
            else if (Findings == 1 || Detectors.Count == 1 && _headlines.Count == 1)
            {
                reason = Findings == 1 ? lead.Reason
                    : $"{lead.Reason.TrimEnd('.')}; {Findings - 1} further reads of the same kind followed, {Text(Evidence.Count + EvidenceDropped)} events in all.";
            }
            else
            {
                reason = $"{lead.Reason.TrimEnd('.')}; correlated with {Findings - 1} further findings ({string.Join(", ", Detectors)}) about {Detection.Detectors.Text.List(Readers)} and {Detection.Detectors.Text.Plural(Subjects.Count, "subject", "subjects")}, {Text(Evidence.Count + EvidenceDropped)} events in all.";
            }
            return new Alert
            {
                Id = Id ?? "",
                Detector = Detectors.Count == 1 ? Detectors.Min! : DetectorNames.Correlated,
                Severity = Severity,
                RaisedAt = RaisedAt ?? LastFinding,
                Readers = new GrowingPrefix<string>(Readers),
                Subjects = new GrowingPrefix<string>(Subjects),
                Evidence = new GrowingPrefix<string>(Evidence),
                Reason = reason,
            };

            static string Text(int count) => count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static void AddAll(List<string> into, HashSet<string> seen, IEnumerable<string> items, int cap)
        {
            foreach (var item in items)
            {
                if (into.Count >= cap)
                {
                    return;
                }
                if (seen.Add(item))
                {
                    into.Add(item);
                }
            }
        }
    }
}

/// <summary>
/// The first items of a list that only ever grows, as they are when the view is taken: an O(1)
/// snapshot that later additions do not change.
/// </summary>
internal sealed class GrowingPrefix<T>(List<T> items) : IReadOnlyList<T>
{
    public int Count { get; } = items.Count;

    public T this[int index] => (uint)index < (uint)Count ? items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return items[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
