namespace Custos.Detection.Detectors;

/// <summary>
/// Per-reader state of one detector, kept only while the reader is active: a reader idle for
/// longer than the detector's horizon is forgotten, so memory follows the number of active
/// readers, not the length of the history.
/// </summary>
internal sealed class ReaderTable<TState>(Func<string, TState> create)
    where TState : class
{
    private readonly Dictionary<string, Entry> _states = new(StringComparer.Ordinal);

    public int Count => _states.Count;

    public IEnumerable<TState> States => _states.Values.Select(e => e.State);

    public TState Touch(string reader, DateTimeOffset time)
    {
        if (!_states.TryGetValue(reader, out var entry))
        {
            _states[reader] = entry = new Entry(create(reader));
        }
        entry.LastSeen = time;
        return entry.State;
    }

    public TState? Find(string reader) => _states.GetValueOrDefault(reader)?.State;

    /// <summary>Forgets readers not seen since <paramref name="cutoff"/>; <paramref name="onEvict"/> sees each first.</summary>
    public void EvictIdleSince(DateTimeOffset cutoff, Action<TState>? onEvict = null)
    {
        List<string>? idle = null;
        foreach (var (reader, entry) in _states)
        {
            if (entry.LastSeen < cutoff)
            {
                (idle ??= []).Add(reader);
            }
        }
        foreach (var reader in idle ?? [])
        {
            onEvict?.Invoke(_states[reader].State);
            _states.Remove(reader);
        }
    }

    private sealed class Entry(TState state)
    {
        public TState State { get; } = state;

        public DateTimeOffset LastSeen { get; set; }
    }
}

/// <summary>One event a detector holds as evidence.</summary>
internal readonly record struct Sighting(DateTimeOffset Time, string EventId, string Subject, double Weight, string? Reader = null);

/// <summary>
/// The sightings of one reader within a sliding time window, oldest first, capped in count so
/// that a reader who floods the detector cannot grow its state without bound.
/// </summary>
internal sealed class SightingWindow(TimeSpan span, int capacity)
{
    private readonly Queue<Sighting> _items = new();

    public int Count => _items.Count;

    public IEnumerable<Sighting> Items => _items;

    public void Add(Sighting sighting)
    {
        Trim(sighting.Time);
        _items.Enqueue(sighting);
        while (_items.Count > capacity)
        {
            _items.Dequeue();
        }
    }

    public void Trim(DateTimeOffset now)
    {
        var start = now - span;
        while (_items.Count > 0 && _items.Peek().Time <= start)
        {
            _items.Dequeue();
        }
    }

    public void Clear() => _items.Clear();

    public int DistinctSubjects()
    {
        if (_items.Count <= 1)
        {
            return _items.Count;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in _items)
        {
            seen.Add(item.Subject);
        }
        return seen.Count;
    }

    /// <summary>Sum over distinct subjects of each subject's highest weight.</summary>
    public double WeightBySubject()
    {
        var best = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var item in _items)
        {
            best[item.Subject] = Math.Max(best.GetValueOrDefault(item.Subject), item.Weight);
        }
        return best.Values.Sum();
    }

    public string[] EventIds() => [.. _items.Select(i => i.EventId)];

    public string[] Subjects() => [.. _items.Select(i => i.Subject).Distinct(StringComparer.Ordinal)];
}

/// <summary>
/// The common shape of a threshold detector: collect the reader's qualifying events in a
/// window; once they reach the threshold, raise one finding with all of them, then report each
/// further qualifying event in the window as a follow-up, so the correlated alert keeps all the
/// evidence without the threshold being re-crossed on every event.
/// </summary>
public abstract class ThresholdDetector : IDetector
{
    private readonly TimeSpan _window;

    private protected ThresholdDetector(string name, TimeSpan window, int capacity)
    {
        Name = name;
        _window = window;
        Readers = new(_ => new ThresholdState(window, capacity));
    }

    public string Name { get; }

    private protected ReaderTable<ThresholdState> Readers { get; }

    public virtual int StateSize => Readers.Count + Readers.States.Sum(s => s.Window.Count);

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(findings);
        Examine(observation, findings);
    }

    private protected abstract void Examine(Observation o, ICollection<Finding> findings);

    public virtual void Evict(DateTimeOffset now) => Readers.EvictIdleSince(now - _window);
}

/// <summary>One reader's qualifying events in a <see cref="ThresholdDetector"/>'s window.</summary>
internal sealed class ThresholdState(TimeSpan window, int capacity)
{
    public SightingWindow Window { get; } = new(window, capacity);

    /// <summary>Until when further qualifying events are follow-ups of a finding already raised.</summary>
    public DateTimeOffset FiredUntil { get; set; } = DateTimeOffset.MinValue;
}

internal static class Text
{
    /// <summary>"user:1, user:2 and 3 more": identifiers only, never personal data.</summary>
    public static string List(IReadOnlyCollection<string> ids, int shown = 3)
    {
        var head = ids.Take(shown).ToList();
        var rest = ids.Count - head.Count;
        return rest > 0 ? $"{string.Join(", ", head)} and {rest} more" : head.Count switch
        {
            0 => "nobody",
            1 => head[0],
            _ => $"{string.Join(", ", head.Take(head.Count - 1))} and {head[^1]}",
        };
    }

    public static string Plural(int count, string one, string many) => count == 1 ? $"1 {one}" : $"{count} {many}";

    public static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalHours % 24 == 0 ? Plural((int)span.TotalDays, "day", "days")
        : span.TotalHours >= 1 && span.TotalMinutes % 60 == 0 ? Plural((int)span.TotalHours, "hour", "hours")
        : Plural((int)span.TotalMinutes, "minute", "minutes");
}
