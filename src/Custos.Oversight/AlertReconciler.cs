using System.Globalization;
using Custos.Access.Alerts;
using Custos.Detection.Correlation;
using Custos.Formats;

namespace Custos.Oversight;

/// <summary>
/// Turns the engine's alert changes into the server's ledgered alerts. The engine names its
/// alerts afresh in every process (<c>alr-1</c>, <c>alr-2</c> …); the server's alerts are the
/// ledger's, numbered once and for all. This class keeps the map between the two and what the
/// ledger already says about every open alert, so that:
/// <list type="bullet">
/// <item>a change is ledgered only when it adds something (evidence, readers, subjects, a
/// higher severity, a new queue), and the changes of one batch to one alert make one entry;</item>
/// <item>after a restart, when the engine is rebuilt by replaying the ledger, an engine alert
/// that shares evidence with an open ledgered alert no engine alert stands for yet <em>is</em>
/// that alert: it is mapped to it, never raised a second time. While the decisions the previous
/// process may already have examined are examined again, alerts that ended meanwhile (merged,
/// closed) are matched too, so that the engine retracing a merge does not raise the merged alert
/// again; an ended alert to which the engine then adds evidence is raised anew rather than the
/// evidence lost;</item>
/// <item>changes made while replaying (before the point up to which the previous process had
/// ledgered everything) only build the map; nothing is ledgered for them.</item>
/// </list>
/// Not thread-safe: the detection worker's session owns it.
/// </summary>
internal sealed class AlertReconciler
{
    /// <summary>How often an alert's reason alone (its counts) is brought up to date in the ledger.</summary>
    public static readonly TimeSpan ReasonRefresh = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, string> _serverOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _engineOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AlertRecord> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AlertRecord> _ended = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Alert> _touched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Evidence, int Readers, int Subjects)> _compared = new(StringComparer.Ordinal);
    private readonly List<string> _touchedOrder = [];
    private readonly HashSet<string> _new = new(StringComparer.Ordinal);
    private readonly List<(string Server, string? EngineTarget)> _merges = [];
    private readonly List<string> _closes = [];
    private long _lastSequence;
    private bool _keepEnded;

    /// <summary>Open alerts as the ledger has them.</summary>
    public int OpenCount => _open.Count;

    /// <summary>Open ledgered alerts no engine alert stands for (after a restart, until reproduced or closed).</summary>
    public int UnmappedCount => _open.Keys.Count(id => !_engineOf.ContainsKey(id));

    /// <summary>Alerts open as of the store's projection, and the highest <c>alr-N</c> it holds.</summary>
    public void Load(IEnumerable<AlertRecord> open, long lastSequence)
    {
        ArgumentNullException.ThrowIfNull(open);
        foreach (var alert in open)
        {
            _open[alert.Id] = alert;
            _lastSequence = Math.Max(_lastSequence, alert.Sequence);
        }
        _lastSequence = Math.Max(_lastSequence, lastSequence);
    }

    /// <summary>
    /// Keeps alerts that end from now on as candidates for matching (<see cref="Apply"/>), until
    /// <see cref="ForgetEnded"/>: for the decisions a previous process may already have examined.
    /// </summary>
    public void KeepEnded() => _keepEnded = true;

    /// <summary>Ends <see cref="KeepEnded"/>: the engine is past what the previous process saw.</summary>
    public void ForgetEnded()
    {
        _keepEnded = false;
        foreach (var id in _ended.Keys)
        {
            if (_engineOf.Remove(id, out var engineId))
            {
                _serverOf.Remove(engineId);
            }
            _compared.Remove(id);
        }
        _ended.Clear();
    }

    /// <summary>Folds in an alert entry the ledger holds (read back, or just appended). Idempotent.</summary>
    public void Observe(long index, AlertEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _lastSequence = Math.Max(_lastSequence, AlertRecord.SequenceOf(entry.Alert));
        if (!_open.TryGetValue(entry.Alert, out var record))
        {
            if (entry.Change != AlertEntryChange.Raised || _ended.ContainsKey(entry.Alert))
            {
                return; // an alert already closed or merged: nothing more can happen to it
            }
            _open[entry.Alert] = record = new AlertRecord { Id = entry.Alert };
        }
        record.Apply(index, entry);
        if (record.State != AlertRecord.Open)
        {
            _open.Remove(entry.Alert);
            if (_keepEnded)
            {
                _ended[entry.Alert] = record;
            }
            else if (_engineOf.Remove(entry.Alert, out var engineId))
            {
                _serverOf.Remove(engineId);
                _compared.Remove(entry.Alert);
            }
        }
    }

    /// <summary>
    /// Takes the engine's changes. <paramref name="live"/> is false while replaying entries whose
    /// consequences the ledger already holds: then only the map is built.
    /// </summary>
    public void Apply(IReadOnlyList<AlertChange> changes, bool live)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes)
        {
            var engineId = change.Alert.Id;
            switch (change.Kind)
            {
                case AlertChangeKind.Raised:
                case AlertChangeKind.Updated:
                    if (!_serverOf.TryGetValue(engineId, out var server))
                    {
                        server = Candidate(change.Alert.Evidence);
                        if (server is null)
                        {
                            if (!live)
                            {
                                break; // raised in the replay only: the ledger never had it, and nothing is ledgered while replaying
                            }
                            server = AlertRecord.IdOf(++_lastSequence);
                            _new.Add(server);
                        }
                        _serverOf[engineId] = server;
                        _engineOf[server] = engineId;
                        _compared.Remove(server);
                    }
                    if (live)
                    {
                        if (!_touched.ContainsKey(server))
                        {
                            _touchedOrder.Add(server);
                        }
                        _touched[server] = change.Alert;
                    }
                    break;
                case AlertChangeKind.Closed:
                    if (Unmap(engineId) is { } closed && live)
                    {
                        _closes.Add(closed);
                    }
                    break;
                case AlertChangeKind.Merged:
                    if (Unmap(engineId) is { } merged && live)
                    {
                        _merges.Add((merged, change.MergedInto));
                    }
                    break;
            }
        }
    }

    /// <summary>Closes open ledgered alerts that no engine alert stands for once their window has passed since their last change.</summary>
    public void CloseOrphans(DateTimeOffset now, TimeSpan window)
    {
        foreach (var (id, record) in _open)
        {
            if (!_engineOf.ContainsKey(id) && record.UpdatedAt + window < now && !_closes.Contains(id))
            {
                _closes.Add(id);
            }
        }
    }

    /// <summary>
    /// The entries to ledger for the changes taken since the last call, one per alert and kind,
    /// in an order the fold accepts (raised or updated, then merged or closed).
    /// </summary>
    public IReadOnlyList<AlertEntry> TakeEntries(DateTimeOffset now, Func<IReadOnlyList<string>, string> route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (_touchedOrder.Count == 0 && _merges.Count == 0 && _closes.Count == 0)
        {
            return [];
        }
        var entries = new List<AlertEntry>();
        foreach (var server in _touchedOrder)
        {
            var alert = _touched[server];
            var queue = route(alert.Readers);
            if (_new.Contains(server))
            {
                entries.Add(Raise(server, alert, queue, Indexes(alert.Evidence, 0), now));
                _compared[server] = Counts(alert);
                continue;
            }
            var ended = _ended.TryGetValue(server, out var endedAlert);
            if (!_open.TryGetValue(server, out var ledgered) && !ended)
            {
                continue;
            }
            ledgered ??= endedAlert!;
            // The engine's lists only grow: what was compared with the ledger before need not be again.
            var seen = _compared.GetValueOrDefault(server);
            if (alert.Evidence.Count < seen.Evidence || alert.Readers.Count < seen.Readers || alert.Subjects.Count < seen.Subjects)
            {
                seen = default;
            }
            var readers = New(alert.Readers, seen.Readers, ledgered.Readers);
            var subjects = New(alert.Subjects, seen.Subjects, ledgered.Subjects);
            var added = New(Indexes(alert.Evidence, seen.Evidence), 0, ledgered.Evidence);
            if (ended)
            {
                // The engine goes on with an alert the ledger says has ended: a new alert, not lost
                // evidence — unless the engine itself ended it in this batch (its evidence went on).
                if ((readers.Count > 0 || subjects.Count > 0 || added.Count > 0) && _engineOf.Remove(server, out var engineId))
                {
                    var again = AlertRecord.IdOf(++_lastSequence);
                    _serverOf[engineId] = again;
                    _engineOf[again] = engineId;
                    entries.Add(Raise(again, alert, queue, Indexes(alert.Evidence, 0), now));
                    _compared[again] = Counts(alert);
                }
                continue;
            }
            _compared[server] = Counts(alert);
            if (readers.Count == 0 && subjects.Count == 0 && added.Count == 0 && alert.Severity <= ledgered.Severity
                && alert.Detector == ledgered.Detector && queue == ledgered.Queue
                && (alert.Reason == ledgered.Reason || now - ledgered.UpdatedAt < ReasonRefresh))
            {
                // The ledger already says all of it (a change examined again after a restart), or
                // only the reason's counts moved (a campaign past the evidence cap): not worth an
                // entry more than once per ReasonRefresh.
                continue;
            }
            entries.Add(new AlertEntry
            {
                Alert = server,
                Change = AlertEntryChange.Updated,
                Time = now,
                Detector = alert.Detector,
                // An alert's severity never falls: it is the highest of its findings.
                Severity = alert.Severity > ledgered.Severity ? alert.Severity : ledgered.Severity,
                Readers = readers,
                Subjects = subjects,
                Evidence = added,
                Reason = alert.Reason,
                Queue = queue,
            });
        }
        foreach (var (server, engineTarget) in _merges)
        {
            if (!IsLedgeredOrNew(server))
            {
                continue;
            }
            var target = engineTarget is not null && _serverOf.TryGetValue(engineTarget, out var t) ? t : null;
            entries.Add(target is null
                ? new AlertEntry { Alert = server, Change = AlertEntryChange.Closed, Time = now }
                : new AlertEntry { Alert = server, Change = AlertEntryChange.Merged, Time = now, MergedInto = target });
        }
        foreach (var server in _closes.Distinct(StringComparer.Ordinal))
        {
            if (IsLedgeredOrNew(server) && !_merges.Any(m => m.Server == server))
            {
                entries.Add(new AlertEntry { Alert = server, Change = AlertEntryChange.Closed, Time = now });
            }
        }
        _touched.Clear();
        _touchedOrder.Clear();
        _new.Clear();
        _merges.Clear();
        _closes.Clear();
        return entries;
    }

    private static AlertEntry Raise(string server, Alert alert, string queue, IReadOnlyList<long> evidence, DateTimeOffset now) => new()
    {
        Alert = server,
        Change = AlertEntryChange.Raised,
        Time = now,
        Detector = alert.Detector,
        Severity = alert.Severity,
        RaisedAt = alert.RaisedAt,
        Readers = alert.Readers,
        Subjects = alert.Subjects,
        Evidence = evidence,
        Reason = alert.Reason,
        Queue = queue,
    };

    private static (int Evidence, int Readers, int Subjects) Counts(Alert alert) => (alert.Evidence.Count, alert.Readers.Count, alert.Subjects.Count);

    /// <summary>The items of <paramref name="items"/> from <paramref name="from"/> on that <paramref name="known"/> lacks.</summary>
    private static List<T> New<T>(IReadOnlyList<T> items, int from, List<T> known)
    {
        var fresh = new List<T>();
        if (from >= items.Count)
        {
            return fresh;
        }
        // A few new items are looked up in the list; many (an alert first matched after a restart) in a set.
        ICollection<T> lookup = items.Count - from > 8 ? known.ToHashSet() : known;
        for (var i = from; i < items.Count; i++)
        {
            if (!lookup.Contains(items[i]) && !fresh.Contains(items[i]))
            {
                fresh.Add(items[i]);
            }
        }
        return fresh;
    }

    private bool IsLedgeredOrNew(string server) => _open.ContainsKey(server) || _new.Contains(server);

    private string? Unmap(string engineId)
    {
        if (!_serverOf.Remove(engineId, out var server))
        {
            return null;
        }
        _engineOf.Remove(server);
        _compared.Remove(server);
        return server;
    }

    /// <summary>
    /// The earliest ledgered alert no engine alert stands for that shares evidence with
    /// <paramref name="evidence"/>: an open one, or one that ended while decisions the previous
    /// process saw are examined again.
    /// </summary>
    private string? Candidate(IReadOnlyList<string> evidence)
    {
        if (_open.Count + _ended.Count == _engineOf.Count || evidence.Count == 0)
        {
            return null;
        }
        var indexes = Indexes(evidence).ToHashSet();
        return _open.Values.Concat(_ended.Values)
            .Where(a => !_engineOf.ContainsKey(a.Id) && a.Evidence.Any(indexes.Contains))
            .OrderBy(a => a.Sequence)
            .Select(a => a.Id)
            .FirstOrDefault();
    }

    /// <summary>The engine's evidence ids are the ledger indexes of the entries it was given.</summary>
    private static List<long> Indexes(IReadOnlyList<string> evidence, int from = 0)
    {
        var indexes = new List<long>(Math.Max(0, evidence.Count - from));
        for (var i = from; i < evidence.Count; i++)
        {
            if (long.TryParse(evidence[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                indexes.Add(index);
            }
        }
        return indexes;
    }
}
